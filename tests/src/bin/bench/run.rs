//! The run as a whole: the figures in the order asked for, one failing
//! figure not stopping the others, then the table and the document.

use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::figure::Figure;
use crate::p1_start::p1_startup;
use crate::p2_memory::p2_memory;
use crate::p3_paint::{p3_paint, P3_SIZES};
use crate::p4_requests::p4_requests;
use crate::p5_packages::p5_packages;
use crate::p6_restore::p6_restore;
use crate::report::{document, table};
use crate::setup::Setup;

pub(crate) async fn main() -> Result<()> {
    let setup = Setup::from_env()?;
    eprintln!(
        "bench: app {}, floor {}, {} runs, figures {}",
        setup.app.display(),
        setup.bare.display(),
        setup.runs,
        setup.figures.join(",")
    );
    let started = Instant::now();
    let figures = measure(&setup).await;
    let table = table(&figures);
    println!("{table}");
    if let Some(out) = &setup.out {
        let doc = document(&setup, &figures, &table, started.elapsed());
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, doc).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("bench: wrote {}", out.display());
    }
    eprintln!("bench: done in {:.0} s", started.elapsed().as_secs_f64());
    if figures
        .iter()
        .any(|f| f.app.is_empty() || f.floor.is_empty())
    {
        bail!("some figures have no samples; see the notes above");
    }
    Ok(())
}

/// Runs the figures asked for, in order. A figure that fails as a
/// whole still gets its row, with the reason in its notes.
async fn measure(setup: &Setup) -> Vec<Figure> {
    let mut figures: Vec<Figure> = Vec::new();
    for id in &setup.figures {
        let id = id.as_str();
        let outcome = match id {
            "P1" => Ok(vec![p1_startup(setup).await]),
            "P2" => p2_memory(setup).await.map(|f| vec![f]),
            "P3" => {
                let mut out = Vec::new();
                for users in P3_SIZES {
                    match p3_paint(setup, users).await {
                        Ok(f) => out.push(f),
                        Err(e) => out.push(failed(&format!("P3-{}k", users / 1000), &e)),
                    }
                }
                Ok(out)
            }
            "P4" => p4_requests().await,
            "P7" => crate::p7_answer::p7_answer(setup).await.map(|f| vec![f]),
            "P8" => crate::p8_cli::p8_cli(setup).await.map(|f| vec![f]),
            "P5" => p5_packages(setup),
            "P6" => {
                let p1 = figures.iter().find(|f| f.id == "P1").map(|f| f.app.clone());
                p6_restore(setup, p1).await.map(|f| vec![f])
            }
            other => {
                eprintln!("bench: there is no figure {other}; skipped");
                continue;
            }
        };
        match outcome {
            Ok(list) => figures.extend(list),
            Err(e) => figures.push(failed(id, &e)),
        }
    }
    figures
}

fn failed(id: &str, e: &anyhow::Error) -> Figure {
    let mut f = Figure::new(id, "(failed)", "", 1);
    f.fail("the figure", e);
    f
}
