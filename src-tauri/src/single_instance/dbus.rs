//! The single instance over the D-Bus session bus.
//!
//! The name, object path, interface and method are the official plugin's,
//! so an older Engage Desk (built with the plugin) and this one hand over
//! to each other in both directions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use enumflags2::BitFlags;
use tauri::{plugin::TauriPlugin, RunEvent, Runtime, WindowEvent};
use zbus::blocking::{fdo::DBusProxy, Connection};
use zbus::fdo::RequestNameReply;
use zbus::interface;
use zbus::names::WellKnownName;

use super::StartError;

/// How long a launch waits for an instance that will not take over to
/// leave the bus. An app that is quitting leaves in well under a second.
pub const LEAVE_WAIT: Duration = Duration::from_secs(10);

/// How long the running instance has to answer a hand-over.
const ANSWER_WAIT: Duration = Duration::from_secs(3);

pub enum Claim {
    Owner(Owner),
    HandedOver,
    /// No session bus: nothing can find other instances, so start anyway.
    NoBus,
}

/// The bus name held by this process.
pub struct Owner {
    shared: Arc<Shared>,
    activations: mpsc::Receiver<()>,
}

struct Shared {
    connection: Connection,
    name: String,
    /// Also read by the served object.
    leaving: Arc<AtomicBool>,
}

impl Shared {
    /// Refuses further hand-overs and gives the name up, so a launch that
    /// comes while this app exits becomes the instance instead of handing
    /// over to a window that is going away.
    fn leave(&self) {
        if self.leaving.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(name) = WellKnownName::try_from(self.name.as_str()) else {
            return;
        };
        // On a thread of its own: zbus's blocking calls may not run inside
        // an async runtime, and the event loop's thread may have one.
        let released = std::thread::scope(|s| {
            s.spawn(|| self.connection.release_name(name))
                .join()
                .unwrap_or(Ok(false))
        });
        if let Err(e) = released {
            tracing::warn!("single instance: could not release the bus name: {e}");
        }
    }
}

/// The object later launches call.
struct Activation {
    sender: mpsc::Sender<()>,
    leaving: Arc<AtomicBool>,
}

#[interface(name = "org.SingleInstance.DBus")]
impl Activation {
    /// Answers at once and never waits on the window: a reply that depends
    /// on the main thread is what an exiting app fails to send.
    fn execute_callback(&mut self, _argv: Vec<String>, _cwd: String) -> zbus::fdo::Result<()> {
        if self.leaving.load(Ordering::SeqCst) {
            return Err(zbus::fdo::Error::Failed("Engage Desk is quitting".into()));
        }
        self.sender
            .send(())
            .map_err(|_| zbus::fdo::Error::Failed("Engage Desk is quitting".into()))
    }
}

fn bus_name(identifier: &str) -> String {
    format!("{identifier}.SingleInstance")
}

fn object_path(name: &str) -> String {
    format!("/{}", name.replace('.', "/").replace('-', "_"))
}

/// Becomes the instance, hands over to the running one, or waits up to
/// `leave_wait` for a running one that will not take over to leave.
pub fn claim(identifier: &str, leave_wait: Duration) -> Result<Claim, StartError> {
    let name = bus_name(identifier);
    let path = object_path(&name);
    let (sender, activations) = mpsc::channel();
    let leaving = Arc::new(AtomicBool::new(false));
    let activation = Activation {
        sender,
        leaving: leaving.clone(),
    };
    let connection = match zbus::blocking::connection::Builder::session()
        .and_then(|b| {
            b.method_timeout(ANSWER_WAIT)
                .serve_at(path.as_str(), activation)
        })
        .and_then(|b| b.build())
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("single instance: no D-Bus session bus, starting anyway: {e}");
            return Ok(Claim::NoBus);
        }
    };
    match queue_for_name(&connection, &name, &path, leave_wait) {
        Ok(Queued::Owner) => Ok(Claim::Owner(Owner {
            shared: Arc::new(Shared {
                connection,
                name,
                leaving,
            }),
            activations,
        })),
        Ok(Queued::HandedOver) => Ok(Claim::HandedOver),
        Ok(Queued::Stuck) => Err(StartError::Unresponsive),
        Err(e) => {
            tracing::warn!("single instance: the session bus failed, starting anyway: {e}");
            Ok(Claim::NoBus)
        }
    }
}

enum Queued {
    Owner,
    HandedOver,
    Stuck,
}

fn queue_for_name(
    connection: &Connection,
    name: &str,
    path: &str,
    leave_wait: Duration,
) -> zbus::Result<Queued> {
    let proxy = DBusProxy::new(connection)?;
    // Subscribed before asking, or the signal could come in between.
    let acquired = proxy.receive_name_acquired()?;
    let well_known = WellKnownName::try_from(name)?;
    // No flags (zbus's default flags would replace the running instance):
    // queued when taken, so the bus makes us the owner the moment the
    // running instance leaves, and no later launch can take it from us.
    match connection.request_name_with_flags(well_known.clone(), BitFlags::EMPTY)? {
        RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner => {
            return Ok(Queued::Owner)
        }
        RequestNameReply::InQueue | RequestNameReply::Exists => {}
    }
    let handed = connection.call_method(
        Some(name),
        path,
        Some("org.SingleInstance.DBus"),
        "ExecuteCallback",
        &(
            std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<String>>(),
            std::env::current_dir()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        ),
    );
    match handed {
        Ok(_) => return Ok(Queued::HandedOver),
        Err(e) => tracing::info!("single instance: the running instance did not take over ({e}); waiting for it to leave"),
    }
    // The signal stream blocks, so it is read on a thread of its own.
    let (tx, rx) = mpsc::channel();
    let wanted = name.to_string();
    std::thread::spawn(move || {
        for signal in acquired {
            if signal
                .args()
                .map(|a| a.name.as_str() == wanted)
                .unwrap_or(false)
            {
                let _ = tx.send(());
                return;
            }
        }
    });
    // The owner may have left before the subscription took effect.
    if owns(connection, &proxy, &well_known)? {
        return Ok(Queued::Owner);
    }
    match rx.recv_timeout(leave_wait) {
        Ok(()) => Ok(Queued::Owner),
        Err(mpsc::RecvTimeoutError::Timeout) => Ok(Queued::Stuck),
        // The stream ended (the bus went away): ask once more.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Ok(if owns(connection, &proxy, &well_known)? {
                Queued::Owner
            } else {
                Queued::Stuck
            })
        }
    }
}

fn owns(
    connection: &Connection,
    proxy: &DBusProxy<'_>,
    name: &WellKnownName<'_>,
) -> zbus::Result<bool> {
    let owner = match proxy.get_name_owner(name.clone().into()) {
        Ok(owner) => owner,
        Err(zbus::fdo::Error::NameHasNoOwner(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    Ok(connection.unique_name().map(|u| u.as_str()) == Some(owner.as_str()))
}

impl Owner {
    /// The plugin that brings the window forward when asked and leaves the
    /// bus when the main window goes or the app starts to exit.
    pub fn plugin<R: Runtime>(self) -> TauriPlugin<R> {
        let Owner {
            shared,
            activations,
        } = self;
        let on_event = shared.clone();
        tauri::plugin::Builder::new("engage-single-instance")
            .setup(move |app, _api| {
                let app = app.clone();
                std::thread::Builder::new()
                    .name("single-instance".into())
                    .spawn(move || {
                        for () in activations {
                            super::bring_forward(&app);
                        }
                    })?;
                Ok(())
            })
            .on_event(move |_app, event| match event {
                RunEvent::ExitRequested { .. } | RunEvent::Exit => on_event.leave(),
                RunEvent::WindowEvent {
                    label,
                    event: WindowEvent::Destroyed,
                    ..
                } if label == "main" => on_event.leave(),
                _ => {}
            })
            .build()
    }
}
