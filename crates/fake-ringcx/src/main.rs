//! `fake-ringcx [--port N] [--demo] [--users N]`: serves the fake RingCentral + RingCX
//! APIs on loopback until Ctrl-C or SIGTERM.
//!
//! The first stdout line is `listening on http://127.0.0.1:PORT`; scripts and
//! tests read the URL from it, so it is flushed at once. Logs go to stderr.

use std::io::Write;

use anyhow::{bail, Context};
use fake_ringcx::{Config, FakeServer};

struct Args {
    port: u16,
    demo: bool,
    /// The account's users, when not the config's own number.
    users: Option<usize>,
}

fn parse_args(args: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let mut parsed = Args {
        port: 0,
        demo: false,
        users: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => parsed.demo = true,
            "--users" => {
                let v = args.next().context("--users needs a number")?;
                parsed.users = Some(v.parse().with_context(|| format!("bad user count {v:?}"))?);
            }
            "--port" => {
                let v = args.next().context("--port needs a number")?;
                parsed.port = v.parse().with_context(|| format!("bad port {v:?}"))?;
            }
            // The first version took the port as a bare argument.
            p if p.parse::<u16>().is_ok() => parsed.port = p.parse()?,
            "-h" | "--help" => bail!("usage: fake-ringcx [--port N] [--demo] [--users N]"),
            other => bail!(
                "unknown argument {other:?}; usage: fake-ringcx [--port N] [--demo] [--users N]"
            ),
        }
    }
    Ok(parsed)
}

async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = parse_args(std::env::args().skip(1))?;
    let mut config = if args.demo {
        Config::demo()
    } else {
        Config::default()
    };
    if let Some(users) = args.users {
        config.users = users;
    }
    let server = FakeServer::start_with(config, args.port).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", server.url())?;
    out.flush()?;
    drop(out);
    tracing::info!(demo = args.demo, "fake RingCentral + RingCX ready");
    stopped().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> anyhow::Result<Args> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let a = args(&["--port", "4100", "--demo"]).unwrap();
        assert_eq!((a.port, a.demo), (4100, true));
        let a = args(&[]).unwrap();
        assert_eq!((a.port, a.demo), (0, false));
        assert_eq!(args(&["4200"]).unwrap().port, 4200);
        assert!(args(&["--port"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        assert_eq!(args(&["--users", "40000"]).unwrap().users, Some(40_000));
        assert!(args(&["--users", "many"]).is_err());
    }
}
