//! The API console's rules, decided here so the window and the command
//! line share them: which path an operation's form makes, and how fast
//! calls may go.

pub mod fill;
pub mod governor;

pub use fill::{fill, SessionIds};
pub use governor::{limits_for, Governor, DEFAULT_LIMIT};
