//! The command line as clap sees it: every command, flag and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Engage Desk's command line: RingCX API calls on the desktop app's
/// sign-in, kept in the OS keychain and renewed as needed.
#[derive(Debug, Parser)]
#[command(name = "engage", version, propagate_version = true)]
#[command(after_help = "Exit codes: 0 success, 1 other failure, 2 usage error, \
3 not signed in (run `engage auth login`), 4 an HTTP error answer, 5 a network failure.")]
pub struct Cli {
    /// The profile to use (default: the app's current one).
    #[arg(long, global = true, env = "ENGAGE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in, show the session, print a token, sign out.
    #[command(subcommand)]
    Auth(Auth),
    /// Call any RingCX API operation with the session's token.
    Api(Api),
    /// The account's users.
    Users(Users),
    /// Search the RingCX operations the console knows.
    Ops {
        /// Words to look for in method, path, summary and tag.
        text: Vec<String>,
    },
    /// The profiles, the current one marked.
    Profiles,
    /// A completion script for a shell.
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum Auth {
    /// Sign in to RingCentral and exchange for a RingCX session.
    Login(Login),
    /// The session: profile, hosts, agent, when the tokens renew. Never a token.
    Status {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a RingCX access token with at least a minute of life left.
    Token,
    /// Sign out and remove the saved session from the keychain.
    Logout,
}

#[derive(Debug, Args)]
pub struct Login {
    /// Read a RingCentral access token from standard input (never from an argument).
    #[arg(long, conflicts_with = "with_jwt")]
    pub with_token: bool,
    /// Sign in with the JWT credential in this file (the app's client secret
    /// from ENGAGE_CLIENT_SECRET).
    #[arg(long, value_name = "FILE")]
    pub with_jwt: Option<PathBuf>,
    /// The RingCentral server (saved in the profile).
    #[arg(long, value_name = "URL")]
    pub rc_server: Option<String>,
    /// The RingCX server (saved in the profile).
    #[arg(long, value_name = "URL")]
    pub ringcx_server: Option<String>,
    /// A preset pair of servers, e.g. "RingCX (US)".
    #[arg(long, value_name = "NAME", conflicts_with_all = ["rc_server", "ringcx_server"])]
    pub preset: Option<String>,
    /// The RingCentral app's client id (saved in the profile).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The loopback port of the redirect URI (saved in the profile).
    #[arg(long, value_name = "N")]
    pub redirect_port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct Api {
    /// The HTTP method (GET without a body or fields, POST with them).
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,
    /// The path, e.g. /voice/api/v1/admin/accounts/{accountId}/agentGroups;
    /// {accountId}, {subAccountId}, {mainAccountId} and {rcAccountId} come
    /// from the session.
    pub path: String,
    /// A field: a query parameter for GET, a JSON body field otherwise.
    /// `{name}` in the path takes it too.
    #[arg(short = 'f', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// A file to upload, as `file=@leads.csv` (multipart).
    #[arg(short = 'F', long = "file", value_name = "KEY=@FILE")]
    pub files: Vec<String>,
    /// The JSON body from a file, or `-` for standard input.
    #[arg(long, value_name = "FILE", conflicts_with = "fields")]
    pub input: Option<String>,
    /// Write the answer to a file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the status line and headers first.
    #[arg(short, long, conflicts_with = "paginate")]
    pub include: bool,
    /// Fetch every page (`page` from 0, `maxRows` as given or 100) and
    /// print one JSON array.
    #[arg(long)]
    pub paginate: bool,
}

#[derive(Debug, Args)]
pub struct Users {
    /// Enabled users only.
    #[arg(long)]
    pub active: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}
