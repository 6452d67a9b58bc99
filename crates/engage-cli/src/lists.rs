//! `engage users`, `engage ops`, `engage profiles`: lists, as a table for
//! a person or as JSON or CSV for a script.

use std::io::Write;

use engage::users::{Query, Row};
use engage::Desk;

use crate::cli::Format;
use crate::exit::Failure;

fn broken(e: std::io::Error) -> Failure {
    Failure::Other(format!("Could not write the list: {}.", e.kind()))
}

pub async fn users(desk: &Desk, active: bool, format: Format) -> Result<(), Failure> {
    desk.restore().await?;
    desk.load_users(active).await?;
    let page = desk
        .users_page(Query {
            limit: usize::MAX,
            ..Query::default()
        })
        .await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write_users(&mut out, &page.rows, format).map_err(broken)?;
    out.flush().map_err(broken)
}

pub fn write_users(out: &mut dyn Write, rows: &[Row], format: Format) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Csv => {
            writeln!(
                out,
                "userId,name,userName,enabled,roles,rcUserId,created,parentPath"
            )?;
            for r in rows {
                let fields = [
                    r.user_id.to_string(),
                    r.name.clone(),
                    r.user_name.clone(),
                    r.enabled.to_string(),
                    r.roles.clone(),
                    r.rc_user_id.clone(),
                    r.created.clone(),
                    r.parent_path.clone(),
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
            Ok(())
        }
        Format::Table => {
            let name_width = rows
                .iter()
                .map(|r| r.name.chars().count())
                .max()
                .unwrap_or(4)
                .clamp(4, 40);
            writeln!(
                out,
                "{:>10}  {:name_width$}  {:7}  USER NAME",
                "USER ID", "NAME", "ENABLED"
            )?;
            for r in rows {
                let name: String = r.name.chars().take(name_width).collect();
                let enabled = if r.enabled { "yes" } else { "no" };
                writeln!(
                    out,
                    "{:>10}  {name:name_width$}  {enabled:7}  {}",
                    r.user_id, r.user_name
                )?;
            }
            Ok(())
        }
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
/// line break, quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn ops(desk: &Desk, text: &[String]) -> Result<(), Failure> {
    let found = desk.console_search(&text.join(" "));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for op in &found {
        writeln!(out, "{:6} {}  {}", op.method, op.path, op.summary).map_err(broken)?;
    }
    out.flush().map_err(broken)?;
    if found.is_empty() {
        eprintln!("No operation matches {:?}.", text.join(" "));
    }
    Ok(())
}

pub fn profiles(desk: &Desk) -> Result<(), Failure> {
    let list = desk.profiles();
    for name in &list.names {
        let mark = if *name == list.current { "*" } else { " " };
        println!("{mark} {name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, name: &str) -> Row {
        Row {
            user_id: id,
            name: name.into(),
            user_name: format!("u{id}@example.com"),
            enabled: id % 2 == 0,
            roles: "AGENT, SUPERVISOR".into(),
            rc_user_id: "62264425000".into(),
            created: "2026-01-02T03:04:05".into(),
            depth: 0,
            parent_path: "1/".into(),
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_json_is_the_rows() {
        let rows = [row(1, "Lopez, Ana"), row(2, "Bo \"B\" Chen")];
        let mut out = Vec::new();
        write_users(&mut out, &rows, Format::Csv).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("1,\"Lopez, Ana\",u1@example.com,false,\"AGENT, SUPERVISOR\",")
        );
        assert!(lines[2].starts_with("2,\"Bo \"\"B\"\" Chen\","));
        let mut out = Vec::new();
        write_users(&mut out, &rows, Format::Json).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(back[1]["userName"], "u2@example.com");
        let mut out = Vec::new();
        write_users(&mut out, &rows, Format::Table).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("Lopez, Ana"));
    }
}
