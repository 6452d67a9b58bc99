//! The API console's rules, decided here so the window and the command
//! line share them: which path an operation's form makes, how fast calls
//! may go, and what of an answer is shown.

pub mod answer;
pub mod curl;
pub mod fill;
pub mod governor;
pub mod history;
pub mod json_view;
pub mod pickers;
pub mod save;
pub mod upload;
pub mod wire;

pub use fill::{fill, SessionIds};
pub use governor::{limits_for, Governor, DEFAULT_LIMIT};
pub use history::{History, HistoryEntry};
pub use json_view::JsonView;
pub use pickers::{Choice, Picker};
pub use wire::{
    Answer, AnswerKind, Fold, FoldAsk, Form, FormParam, JsonPage, JsonRow, LinesAsk, OpSummary,
    Request, Wait,
};
