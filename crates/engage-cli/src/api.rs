//! `engage api`: any RingCX operation through the console's own path: the
//! same placeholders from the session, path checks, rate governor,
//! renewal and multipart. Only the output is the command line's.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};

use engage::console::{AnswerKind, JsonView, Request};
use engage::Desk;

use crate::cli::Api;
use crate::exit::Failure;

/// The request the command line asks for.
pub fn request(api: &Api, input: Option<String>) -> Result<Request, Failure> {
    let (path, query_in_path) = match api.path.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (api.path.clone(), Vec::new()),
    };
    let placeholders = placeholders(&path);
    let mut values = BTreeMap::new();
    let mut rest = Vec::new();
    for field in &api.fields {
        let (k, v) = field
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("-f takes KEY=VALUE, not {field:?}.")))?;
        if placeholders.iter().any(|p| p == k) {
            values.insert(k.to_string(), v.to_string());
        } else {
            rest.push((k.to_string(), v.to_string()));
        }
    }
    let mut file = String::new();
    for f in &api.files {
        let (_, path) = f
            .split_once("=@")
            .ok_or_else(|| Failure::Usage(format!("-F takes KEY=@FILE, not {f:?}.")))?;
        if !file.is_empty() {
            return Err(Failure::Usage(
                "RingCX uploads take one file; give -F once.".into(),
            ));
        }
        file = path.to_string();
    }
    let sends_body = input.is_some() || !file.is_empty() || !rest.is_empty();
    let method = api
        .method
        .clone()
        .unwrap_or_else(|| if sends_body { "POST" } else { "GET" }.into())
        .to_ascii_uppercase();
    let fields_in_query = matches!(method.as_str(), "GET" | "DELETE" | "HEAD");
    let mut query = query_in_path;
    let body = match input {
        Some(text) => text,
        None if !fields_in_query && !rest.is_empty() => {
            let object: serde_json::Map<String, serde_json::Value> = rest
                .drain(..)
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            serde_json::Value::Object(object).to_string()
        }
        None => String::new(),
    };
    query.extend(rest);
    Ok(Request {
        method,
        path,
        values,
        query,
        body,
        // Asked for on the command line: that is the confirmation.
        confirmed: true,
        file,
    })
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The `{name}`s of a path template.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Reads `--input`: a file, or `-` for standard input.
pub fn read_input(input: Option<&str>) -> Result<Option<String>, Failure> {
    let Some(source) = input else {
        return Ok(None);
    };
    let mut text = String::new();
    let read = if source == "-" {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::read_to_string(source).map(|t| text = t)
    };
    read.map_err(|e| {
        Failure::Other(format!(
            "Engage Desk could not read {source}: {}. Check the path.",
            e.kind()
        ))
    })?;
    Ok(Some(text))
}

pub async fn run(desk: &Desk, api: &Api) -> Result<(), Failure> {
    let request = request(api, read_input(api.input.as_deref())?)?;
    if !request.file.is_empty() {
        // Named on the command line by the user: their choice of file.
        desk.console_allow_file(std::path::Path::new(&request.file));
    }
    desk.restore().await?;
    if api.paginate {
        return paginate(desk, request, api.output.as_deref()).await;
    }
    let answer = desk.console_send(request).await?;
    let mut out = std::io::stdout();
    let broken =
        |e: std::io::Error| Failure::Other(format!("Could not write the answer: {}.", e.kind()));
    if api.include {
        writeln!(out, "HTTP {}", answer.status).map_err(broken)?;
        for (k, v) in &answer.headers {
            writeln!(out, "{k}: {v}").map_err(broken)?;
        }
        writeln!(out).map_err(broken)?;
    }
    if let Some(file) = &api.output {
        let n = desk.console_save(file).await?;
        eprintln!("Wrote {n} bytes to {}.", file.display());
    } else {
        match answer.kind {
            AnswerKind::Withheld => eprintln!(
                "This answer is a credential: it is not printed. Add --output FILE to save it."
            ),
            AnswerKind::Binary => {
                return Err(Failure::Usage(format!(
                    "The answer is {} bytes of {}: add --output FILE to save it.",
                    answer.size,
                    if answer.content_type.is_empty() {
                        "binary data"
                    } else {
                        &answer.content_type
                    }
                )))
            }
            AnswerKind::Json if out.is_terminal() => pretty(desk, &mut out)?,
            _ => {
                desk.console_write(&mut out)?;
            }
        }
    }
    out.flush().map_err(broken)?;
    if (200..300).contains(&answer.status) {
        Ok(())
    } else {
        Err(Failure::Answered {
            status: answer.status,
        })
    }
}

/// The most pages `--paginate` fetches: a server that never sends a short
/// page must not keep a script running forever.
const MAX_PAGES: usize = 10_000;

/// Every page of a paged GET, as one array: each page's members as sent.
async fn paginate(
    desk: &Desk,
    mut request: Request,
    output: Option<&std::path::Path>,
) -> Result<(), Failure> {
    if request.method != "GET" {
        return Err(Failure::Usage("--paginate pages GET requests only.".into()));
    }
    let number = |r: &Request, k: &str| {
        r.query
            .iter()
            .find(|(q, _)| q == k)
            .and_then(|(_, v)| v.parse::<u32>().ok())
    };
    let max_rows = number(&request, "maxRows").unwrap_or(100).max(1);
    let first = number(&request, "page").unwrap_or(0);
    request.query.retain(|(k, _)| k != "page" && k != "maxRows");
    let mut members: Vec<Vec<u8>> = Vec::new();
    for page in (first..).take(MAX_PAGES) {
        let mut ask = request.clone();
        ask.query.push(("page".into(), page.to_string()));
        ask.query.push(("maxRows".into(), max_rows.to_string()));
        let answer = desk.console_send(ask).await?;
        let mut bytes = Vec::new();
        desk.console_write(&mut bytes)?;
        if !(200..300).contains(&answer.status) {
            std::io::stdout().write_all(&bytes).map_err(|e| {
                Failure::Other(format!("Could not write the answer: {}.", e.kind()))
            })?;
            return Err(Failure::Answered {
                status: answer.status,
            });
        }
        let bytes = std::sync::Arc::new(bytes);
        let items = JsonView::index(bytes.clone())
            .ok()
            .and_then(|v| v.root_items())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "Page {page} is not a JSON array, so --paginate cannot join the pages. Leave --paginate out."
                ))
            })?;
        if items > 0 {
            members.push(inner(&bytes).to_vec());
        }
        if items < max_rows {
            break;
        }
    }
    let mut all = b"[".to_vec();
    all.extend(members.join(&b","[..]));
    all.push(b']');
    let broken =
        |e: std::io::Error| Failure::Other(format!("Could not write the answer: {}.", e.kind()));
    match output {
        Some(file) => {
            std::fs::write(file, &all).map_err(|e| {
                Failure::Other(format!(
                    "Engage Desk could not write {}: {}.",
                    file.display(),
                    e.kind()
                ))
            })?;
            eprintln!("Wrote {} bytes to {}.", all.len(), file.display());
            Ok(())
        }
        None => {
            let mut out = std::io::stdout();
            let view = if out.is_terminal() {
                JsonView::index(std::sync::Arc::new(all.clone())).ok()
            } else {
                None
            };
            match view {
                Some(v) => v.write_pretty(&mut out).map_err(broken),
                None => out
                    .write_all(&all)
                    .and_then(|()| out.flush())
                    .map_err(broken),
            }
        }
    }
}

/// What is between an array's brackets, trimmed.
fn inner(array: &[u8]) -> &[u8] {
    let start = array.iter().position(|b| *b == b'[').map_or(0, |i| i + 1);
    let end = array
        .iter()
        .rposition(|b| *b == b']')
        .unwrap_or(array.len());
    array.get(start..end).unwrap_or_default().trim_ascii()
}

/// JSON for a person: indented, in the order it came.
fn pretty(desk: &Desk, out: &mut dyn Write) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    desk.console_write(&mut bytes)?;
    match JsonView::index(std::sync::Arc::new(bytes)) {
        Ok(view) => view
            .write_pretty(out)
            .map_err(|e| Failure::Other(format!("Could not write the answer: {}.", e.kind()))),
        // Not indexable (too big): as it came.
        Err(_) => desk.console_write(out).map(drop).map_err(Failure::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(args: &[&str]) -> Api {
        use clap::Parser;
        let mut all = vec!["engage", "api"];
        all.extend(args);
        match crate::cli::Cli::parse_from(all).command {
            crate::cli::Command::Api(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_fill_placeholders_then_the_query_or_the_body() {
        let r = request(
            &api(&[
                "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leads?page=2",
                "-f",
                "campaignId=7",
                "-f",
                "maxRows=5",
                "-X",
                "get",
            ]),
            None,
        )
        .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.path,
            "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leads"
        );
        assert_eq!(r.values.get("campaignId").map(String::as_str), Some("7"));
        assert_eq!(
            r.query,
            vec![("page".into(), "2".into()), ("maxRows".into(), "5".into())]
        );
        assert!(r.body.is_empty() && r.confirmed);
        // Fields make it a POST with a JSON body.
        let r = request(
            &api(&["/p/{accountId}", "-f", "name=Sales team", "-f", "a=b=c"]),
            None,
        )
        .unwrap();
        assert_eq!(r.method, "POST");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body, serde_json::json!({"name": "Sales team", "a": "b=c"}));
        assert!(r.query.is_empty());
        // A file, and --input.
        let r = request(&api(&["/up", "-F", "file=@/tmp/leads.csv"]), None).unwrap();
        assert_eq!(
            (r.method.as_str(), r.file.as_str()),
            ("POST", "/tmp/leads.csv")
        );
        let r = request(&api(&["/p", "-X", "PUT"]), Some("{\"x\":1}".into())).unwrap();
        assert_eq!((r.method.as_str(), r.body.as_str()), ("PUT", "{\"x\":1}"));
    }

    #[test]
    fn the_members_of_a_page_are_taken_as_sent() {
        assert_eq!(inner(b" [ {\"a\": [1]} , 2 ]\n"), b"{\"a\": [1]} , 2");
        assert_eq!(inner(b"[]"), b"");
    }

    #[test]
    fn malformed_fields_are_usage_errors() {
        for args in [
            &["/p", "-f", "novalue"][..],
            &["/p", "-F", "file=leads.csv"][..],
            &["/p", "-F", "a=@x", "-F", "b=@y"][..],
        ] {
            let e = request(&api(args), None).unwrap_err();
            assert_eq!(e.code(), crate::exit::USAGE, "{args:?}");
        }
    }
}
