//! Remembers the main window's size and position in the settings file, and
//! puts the window back there on the next start, if that is still on a screen.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow, Window, WindowEvent};

use crate::settings::WindowGeometry;
use crate::AppState;

/// Bumped on every move or resize; a save runs only if no newer one came.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Saving waits this long after the last move or resize: a drag sends many.
const SETTLE: Duration = Duration::from_millis(400);

fn geometry<R: Runtime>(window: &Window<R>) -> Option<WindowGeometry> {
    let pos = window.outer_position().ok()?;
    let size = window.inner_size().ok()?;
    Some(WindowGeometry {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized: window.is_maximized().unwrap_or(false),
    })
}

fn save<R: Runtime>(window: &Window<R>) {
    let (Some(g), Some(state)) = (geometry(window), window.try_state::<AppState>()) else {
        return;
    };
    state.update_settings(|s| {
        // A maximized window keeps the size it had before.
        s.window = Some(match (g.maximized, s.window) {
            (true, Some(old)) => WindowGeometry {
                maximized: true,
                ..old
            },
            _ => g,
        });
    });
}

/// The window-event hook: saves shortly after the window settles.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if window.label() != "main" {
        return;
    }
    match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => {
            let generation = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
            let window = window.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SETTLE).await;
                if GENERATION.load(Ordering::SeqCst) == generation {
                    save(&window);
                }
            });
        }
        WindowEvent::CloseRequested { .. } => save(window),
        _ => {}
    }
}

/// Puts the window where it was, when that place is on a monitor now.
pub fn restore<R: Runtime>(window: &WebviewWindow<R>, g: WindowGeometry) {
    let on_screen = window.available_monitors().map_or(true, |monitors| {
        monitors.iter().any(|m| {
            let (p, s) = (m.position(), m.size());
            g.x + 50 > p.x
                && g.y + 50 > p.y
                && g.x < p.x + s.width as i32 - 50
                && g.y < p.y + s.height as i32 - 50
        })
    });
    if !on_screen {
        return;
    }
    let _ = window.set_size(PhysicalSize::new(g.width.max(800), g.height.max(600)));
    let _ = window.set_position(PhysicalPosition::new(g.x, g.y));
    if g.maximized {
        let _ = window.maximize();
    }
}
