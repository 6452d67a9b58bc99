//! The end-to-end harness.
//!
//! Each test gets its own world: a temporary home with private XDG folders,
//! its own Xvfb display, its own D-Bus session and an unlocked gnome-keyring
//! in it. The real app binary runs in that world under WebKitWebDriver, and
//! tests talk to it with fantoccini. Everything is torn down on drop, also
//! when a test fails, and nothing of the machine's own desktop is touched.
//!
//! The suite only runs on Linux (WebKitWebDriver); elsewhere it is empty.

#![cfg(target_os = "linux")]

pub mod app;
pub mod flows;
pub mod native;
pub mod world;

pub use app::App;
pub use world::{World, WorldOptions};
