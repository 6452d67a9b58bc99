//! A start-up failure, told to the user: a double-clicked app has no
//! terminal, so the log alone would be a window that never appears.

/// The dialog's title; tests look for it.
pub const TITLE: &str = "Engage Desk could not start";

/// Logs the failure, shows it in a dialog where there is a display, and
/// returns the process exit code.
pub fn report(error: &dyn std::fmt::Display) -> i32 {
    let message = error.to_string();
    tracing::error!("{TITLE}: {message}");
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{TITLE}: {message}");
    }
    show(&message);
    1
}

/// GTK's own message dialog on the main thread: the GTK Tauri links,
/// already initialised there if the failure came after the event loop.
#[cfg(target_os = "linux")]
fn show(message: &str) {
    use gtk::prelude::*;
    if gtk::init().is_err() {
        // No display: the log and stderr are all there is.
        return;
    }
    let dialog = gtk::MessageDialog::new(
        None::<&gtk::Window>,
        gtk::DialogFlags::MODAL,
        gtk::MessageType::Error,
        gtk::ButtonsType::Close,
        message,
    );
    dialog.set_title(TITLE);
    dialog.run();
    dialog.close();
}

#[cfg(not(target_os = "linux"))]
fn show(message: &str) {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(TITLE)
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}
