//! A row of results: the app's and the floor's samples kept apart, so that
//! each figure is read against its floor, with its notes beside it.

use anyhow::Result;

/// One row of the results: samples of the app and of the floor.
pub(crate) struct Figure {
    pub(crate) id: String,
    pub(crate) what: String,
    pub(crate) unit: &'static str,
    /// Decimals shown in the table.
    pub(crate) decimals: usize,
    /// Samples each side should have; fewer are shown as `(n=…)`.
    pub(crate) expected: usize,
    pub(crate) app: Vec<f64>,
    pub(crate) floor: Vec<f64>,
    pub(crate) notes: Vec<String>,
    /// The largest cost in this figure the team could still remove.
    pub(crate) removable: Option<String>,
}

impl Figure {
    pub(crate) fn new(id: &str, what: &str, unit: &'static str, expected: usize) -> Figure {
        Figure {
            id: id.into(),
            what: what.into(),
            unit,
            decimals: 0,
            expected,
            app: Vec::new(),
            floor: Vec::new(),
            notes: Vec::new(),
            removable: None,
        }
    }

    pub(crate) fn decimals(mut self, decimals: usize) -> Figure {
        self.decimals = decimals;
        self
    }

    /// Keeps a sample, or notes why the run failed.
    pub(crate) fn record(&mut self, side: Side, run: usize, sample: Result<f64>) {
        let name = side.name();
        match sample {
            Ok(v) => {
                eprintln!(
                    "bench: {} run {run} {name}: {v:.prec$} {}",
                    self.id,
                    self.unit,
                    prec = self.decimals
                );
                match side {
                    Side::App => self.app.push(v),
                    Side::Floor => self.floor.push(v),
                }
            }
            Err(e) => self.fail(&format!("{name} run {run}"), &e),
        }
    }

    pub(crate) fn fail(&mut self, what: &str, e: &anyhow::Error) {
        eprintln!("bench: {} {what} failed: {e:#}", self.id);
        self.notes.push(format!("{what} failed: {}", one_line(e)));
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Side {
    App,
    Floor,
}

impl Side {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Side::App => "app",
            Side::Floor => "floor",
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    let text = format!("{e:#}").replace('\n', " ");
    text.chars().take(200).collect()
}
