//! The commands the window may call, grouped by area. Each is a few lines:
//! it unpacks the arguments, calls the desk (`engage::Desk`) and returns
//! its answer. Nothing here returns a token.
//!
//! Adding a command: write it in the area's file, then list it in
//! `generate_handler!` (lib.rs), in `COMMANDS` (build.rs) and as
//! `allow-<name>` in capabilities/main.json, and call it from `ui/ipc.js`;
//! `tests/contract.rs` fails until all five agree.

pub mod auth;
pub mod console;
pub mod feeds;
pub mod session;
pub mod updates;
pub mod users;
