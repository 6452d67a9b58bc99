//! The contract between Rust and the window: every type that crosses IPC,
//! as TypeScript declarations for `ui/wire.d.ts`, which the UI's plain JS
//! is type-checked against (`tsc --checkJs` in `make test`).
//!
//! `tests/contract.rs` fails when the file is stale; `make wire` (or
//! `UPDATE_WIRE=1 cargo test -p engage-desk --test contract`) writes it.

use ts_rs::{Config, TS};

/// One declaration per wire type, in a fixed order.
pub fn declarations() -> String {
    // i64 ids and u64 millisecond times are JSON numbers, not bigints.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        engage::ErrorCode::decl(&cfg),
        crate::ShellCode::decl(&cfg),
        crate::Code::decl(&cfg),
        crate::ErrorBody::decl(&cfg),
        engage::session::SignInMethod::decl(&cfg),
        engage::session::Reason::decl(&cfg),
        engage::model::Agent::decl(&cfg),
        engage::model::RcUser::decl(&cfg),
        engage::model::UserDetails::decl(&cfg),
        engage::session::Identity::decl(&cfg),
        engage::session::Status::decl(&cfg),
        engage::hosts::Preset::decl(&cfg),
        engage::settings::ProfileSettings::decl(&cfg),
        engage::settings::ProfileList::decl(&cfg),
        crate::Demo::decl(&cfg),
        crate::commands::session::AppInfo::decl(&cfg),
        crate::commands::auth::Servers::decl(&cfg),
        engage::users::SortKey::decl(&cfg),
        engage::users::Query::decl(&cfg),
        engage::users::Row::decl(&cfg),
        engage::users::Page::decl(&cfg),
        engage::desk::UsersLoaded::decl(&cfg),
        crate::updates::UpdateInfo::decl(&cfg),
        crate::updates::UpdatePrefs::decl(&cfg),
        engage::console::OpSummary::decl(&cfg),
        engage::console::FormParam::decl(&cfg),
        engage::console::Form::decl(&cfg),
        engage::console::Request::decl(&cfg),
        engage::console::AnswerKind::decl(&cfg),
        engage::console::Answer::decl(&cfg),
        engage::console::HistoryEntry::decl(&cfg),
        engage::console::Choice::decl(&cfg),
        engage::console::Wait::decl(&cfg),
        engage::console::Fold::decl(&cfg),
        engage::console::JsonRow::decl(&cfg),
        engage::console::JsonPage::decl(&cfg),
        engage::console::LinesAsk::decl(&cfg),
        engage::console::FoldAsk::decl(&cfg),
        engage::feed::Change::<()>::decl(&cfg),
        crate::commands::session::StartUp::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/wire.rs: do not edit.\n\
         // `make wire` writes it again; tests/contract.rs fails when it is stale.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
