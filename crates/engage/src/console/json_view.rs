//! A JSON answer as lines the window pages through. The bytes as sent are
//! indexed once, line by line as a pretty printer would lay them out, with
//! no tree of values built; folding and filtering happen here, so a 20 MB
//! answer costs the window one screen of rows, as the users list does.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::wire::{Fold, JsonPage, JsonRow};

/// Answers with more lines than this are not indexed (20 bytes a line).
pub const MAX_LINES: usize = 8_000_000;
/// Deeper documents are not indexed (the index needs no recursion, but no
/// real answer nests this deep).
const MAX_DEPTH: usize = 1_000;
/// The most characters of one line the window gets; Save to file… has the rest.
pub const LINE_CHARS: usize = 2_000;
/// The most rows one page holds.
pub const PAGE_LIMIT: u32 = 1_000;

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Open,
    Close,
    /// `{}` or `[]`, one line.
    Empty,
}

/// One line of the pretty layout: where it starts in the body and where it
/// sits in the tree.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// The key's opening quote for a member, else the value (or bracket).
    at: u32,
    /// The line opening the container this line is in.
    parent: u32,
    /// Open: its Close line; Close: its Open line.
    partner: u32,
    /// The position among the container's members.
    index: u32,
    depth: u16,
    kind: Kind,
    /// A member of an object: the line starts with its key.
    keyed: bool,
    comma: bool,
}

/// Not JSON the viewer can page: the window shows it as text instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotViewable;

/// An indexed JSON answer and the window's view of it.
pub struct JsonView {
    body: Arc<Vec<u8>>,
    lines: Vec<Line>,
    folded: BTreeSet<u32>,
    /// Visible runs under the folds: (first row, first line, length).
    runs: Vec<(u32, u32, u32)>,
    /// The body with ASCII letters lowered, made at the first filter.
    lowered: Option<Vec<u8>>,
    /// The last filter and the lines it matched.
    filter: Option<(String, Vec<u32>)>,
}

impl std::fmt::Debug for JsonView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonView")
            .field("bytes", &self.body.len())
            .field("lines", &self.lines.len())
            .finish_non_exhaustive()
    }
}

impl JsonView {
    /// Indexes `body`; fails for anything but one well-formed JSON value.
    pub fn index(body: Arc<Vec<u8>>) -> Result<JsonView, NotViewable> {
        let lines = scan(&body)?;
        let mut view = JsonView {
            body,
            lines,
            folded: BTreeSet::new(),
            runs: Vec::new(),
            lowered: None,
            filter: None,
        };
        view.layout();
        Ok(view)
    }

    /// Lines of the whole document, folds opened.
    pub fn line_count(&self) -> u32 {
        self.lines.len() as u32
    }

    /// How many members the document's top-level array has; `None` when
    /// it is not an array (the command line's `--paginate` counts pages).
    pub fn root_items(&self) -> Option<u32> {
        let root = self.lines.first()?;
        let opens_array = |at: u32| self.body.get(at as usize) == Some(&b'[');
        match root.kind {
            Kind::Empty if opens_array(root.at) => Some(0),
            Kind::Open if opens_array(root.at) => {
                Some(self.lines[root.partner as usize - 1].index + 1)
            }
            _ => None,
        }
    }

    /// Folds (or opens) the container opening at `line`; anything else is ignored.
    pub fn fold(&mut self, line: u32, folded: bool) {
        let Some(l) = self.lines.get(line as usize) else {
            return;
        };
        if l.kind != Kind::Open {
            return;
        }
        if folded {
            self.folded.insert(line);
        } else {
            self.folded.remove(&line);
        }
        self.layout();
    }

    /// Folds every container at `depth` and opens every other one.
    pub fn fold_at_depth(&mut self, depth: u16) {
        self.folded = (0..self.lines.len() as u32)
            .filter(|&n| {
                let l = &self.lines[n as usize];
                l.kind == Kind::Open && l.depth == depth
            })
            .collect();
        self.layout();
    }

    /// Rows `start..start + count` of the view: the lines under the folds,
    /// or with a `filter`, the lines whose text holds it (ASCII letters
    /// matched in either case), each with its path.
    pub fn page(&mut self, filter: &str, start: u32, count: u32) -> JsonPage {
        let count = count.min(PAGE_LIMIT);
        if filter.is_empty() {
            let total = self.runs.last().map_or(0, |&(r, _, n)| r + n);
            let end = total.min(start.saturating_add(count));
            let rows = (start..end)
                .map(|row| self.row(self.line_at_row(row), false))
                .collect();
            return JsonPage {
                start,
                total,
                lines: self.line_count(),
                rows,
            };
        }
        let matches = self.matches(filter);
        let total = matches.len() as u32;
        let end = total.min(start.saturating_add(count));
        let wanted: Vec<u32> = matches
            .get(start as usize..end as usize)
            .unwrap_or_default()
            .to_vec();
        JsonPage {
            start,
            total,
            lines: self.line_count(),
            rows: wanted.into_iter().map(|n| self.row(n, true)).collect(),
        }
    }

    fn matches(&mut self, filter: &str) -> &[u32] {
        if self.filter.as_ref().is_none_or(|(f, _)| f != filter) {
            let lowered = self
                .lowered
                .get_or_insert_with(|| self.body.to_ascii_lowercase());
            let needle = filter.to_ascii_lowercase();
            let mut found: Vec<u32> = Vec::new();
            for at in memchr::memmem::find_iter(lowered, needle.as_bytes()) {
                let line = self.lines.partition_point(|l| l.at as usize <= at) as u32;
                let line = line.saturating_sub(1);
                if found.last() != Some(&line) {
                    found.push(line);
                }
            }
            self.filter = Some((filter.to_string(), found));
        }
        self.filter.as_ref().map_or(&[], |(_, m)| m)
    }

    /// Works out the visible runs from the folds.
    fn layout(&mut self) {
        let mut runs = Vec::new();
        let (mut row, mut next) = (0u32, 0u32);
        for &open in &self.folded {
            if open < next {
                continue; // inside a fold already
            }
            let close = self.lines[open as usize].partner;
            runs.push((row, next, open + 1 - next));
            row += open + 1 - next;
            next = close + 1;
        }
        let end = self.lines.len() as u32;
        if next < end {
            runs.push((row, next, end - next));
        }
        self.runs = runs;
    }

    fn line_at_row(&self, row: u32) -> u32 {
        let i = self.runs.partition_point(|&(r, _, _)| r <= row) - 1;
        let (r, line, _) = self.runs[i];
        line + (row - r)
    }

    fn row(&self, n: u32, with_path: bool) -> JsonRow {
        let l = self.lines[n as usize];
        let folded = self.folded.contains(&n);
        let mut text = self.text(n, folded);
        if text.chars().count() > LINE_CHARS {
            text = text.chars().take(LINE_CHARS).collect();
            text.push('…');
        }
        JsonRow {
            line: n,
            depth: l.depth,
            text,
            fold: match (l.kind, folded) {
                (Kind::Open, true) => Fold::Folded,
                (Kind::Open, false) => Fold::Open,
                _ => Fold::None,
            },
            items: if l.kind == Kind::Open {
                self.lines[l.partner as usize - 1].index + 1
            } else {
                0
            },
            path: if with_path {
                self.path(n)
            } else {
                String::new()
            },
        }
    }

    /// Line `n` as pretty JSON lays it out, whole, without its indent.
    fn text(&self, n: u32, folded: bool) -> String {
        let l = self.lines[n as usize];
        let mut text = String::new();
        let mut i = l.at as usize;
        if l.kind == Kind::Close {
            text.push(self.body[i] as char);
        } else {
            if l.keyed {
                let end = string_end(&self.body, i).unwrap_or(i);
                text.push_str(self.str(i, end));
                text.push_str(": ");
                i = skip_ws(&self.body, end);
                i = skip_ws(&self.body, i + 1); // the colon
            }
            match l.kind {
                Kind::Scalar => {
                    let end = scalar_end(&self.body, i).unwrap_or(i);
                    text.push_str(self.str(i, end));
                }
                Kind::Empty => text.push_str(if self.body[i] == b'{' { "{}" } else { "[]" }),
                _ => {
                    let open = self.body[i];
                    text.push(open as char);
                    if folded {
                        text.push('…');
                        text.push(if open == b'{' { '}' } else { ']' });
                    }
                }
            }
        }
        let comma = if folded {
            self.lines[l.partner as usize].comma
        } else {
            l.comma
        };
        if comma {
            text.push(',');
        }
        text
    }

    /// The whole document, pretty, two spaces a level, in the order it
    /// came (the command line's output on a terminal).
    pub fn write_pretty(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(out);
        for n in 0..self.lines.len() as u32 {
            let depth = usize::from(self.lines[n as usize].depth);
            writeln!(
                w,
                "{:indent$}{}",
                "",
                self.text(n, false),
                indent = depth * 2
            )?;
        }
        w.flush()
    }

    fn str(&self, from: usize, to: usize) -> &str {
        // Checked as UTF-8 at indexing; token bounds are ASCII bytes.
        std::str::from_utf8(&self.body[from..to]).unwrap_or("")
    }

    /// Where a line sits, as `$.a[3].b`.
    fn path(&self, n: u32) -> String {
        let mut cur = self.lines[n as usize];
        if cur.kind == Kind::Close {
            cur = self.lines[cur.partner as usize];
        }
        let mut parts = Vec::new();
        while cur.parent != NONE {
            if cur.keyed {
                let at = cur.at as usize;
                let end = string_end(&self.body, at).unwrap_or(at);
                let key: String = serde_json::from_slice(&self.body[at..end]).unwrap_or_default();
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                parts.push(if plain {
                    format!(".{key}")
                } else {
                    format!("[{}]", self.str(at, end))
                });
            } else {
                parts.push(format!("[{}]", cur.index));
            }
            cur = self.lines[cur.parent as usize];
        }
        parts.reverse();
        format!("${}", parts.concat())
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The end (one past the closing quote) of the string opening at `i`.
fn string_end(b: &[u8], i: usize) -> Result<usize, NotViewable> {
    if b.get(i) != Some(&b'"') {
        return Err(NotViewable);
    }
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', &b[j..]).ok_or(NotViewable)?;
        if b[j..k].iter().any(|&c| c < 0x20) {
            return Err(NotViewable);
        }
        if b[k] == b'"' {
            return Ok(k + 1);
        }
        match b.get(k + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j = k + 2,
            Some(b'u')
                if b.get(k + 2..k + 6)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
            {
                j = k + 6
            }
            _ => return Err(NotViewable),
        }
    }
}

/// The end of the string, number or literal starting at `i`.
fn scalar_end(b: &[u8], i: usize) -> Result<usize, NotViewable> {
    match b.get(i) {
        Some(b'"') => string_end(b, i),
        Some(b't') if b[i..].starts_with(b"true") => Ok(i + 4),
        Some(b'f') if b[i..].starts_with(b"false") => Ok(i + 5),
        Some(b'n') if b[i..].starts_with(b"null") => Ok(i + 4),
        Some(b'-' | b'0'..=b'9') => number_end(b, i),
        _ => Err(NotViewable),
    }
}

fn number_end(b: &[u8], i: usize) -> Result<usize, NotViewable> {
    let digits = |mut j: usize| {
        let from = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        (j > from).then_some(j).ok_or(NotViewable)
    };
    let mut j = i + usize::from(b[i] == b'-');
    j = match b.get(j) {
        Some(b'0') => j + 1,
        Some(b'1'..=b'9') => digits(j)?,
        _ => return Err(NotViewable),
    };
    if b.get(j) == Some(&b'.') {
        j = digits(j + 1)?;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        j = digits(j)?;
    }
    Ok(j)
}

/// The lines of `body` if it is one JSON value (RFC 8259) and small enough.
fn scan(body: &[u8]) -> Result<Vec<Line>, NotViewable> {
    if body.len() >= NONE as usize || std::str::from_utf8(body).is_err() {
        return Err(NotViewable);
    }
    let mut lines: Vec<Line> = Vec::new();
    // Open containers: (their line, is an object, members so far).
    let mut stack: Vec<(u32, bool, u32)> = Vec::new();
    let mut i = skip_ws(body, 0);
    let mut just_opened = value(body, i, i, &mut lines, &mut stack, &mut i)?;
    while let Some(&(open, object, _)) = stack.last() {
        i = skip_ws(body, i);
        if !just_opened {
            match body.get(i) {
                Some(b',') => {
                    if let Some(last) = lines.last_mut() {
                        last.comma = true;
                    }
                    i = skip_ws(body, i + 1);
                }
                Some(b'}') if object => {
                    close(&mut lines, &mut stack, open, i);
                    i += 1;
                    continue;
                }
                Some(b']') if !object => {
                    close(&mut lines, &mut stack, open, i);
                    i += 1;
                    continue;
                }
                _ => return Err(NotViewable),
            }
        }
        let line_at = i;
        if object {
            i = skip_ws(body, string_end(body, i)?);
            if body.get(i) != Some(&b':') {
                return Err(NotViewable);
            }
            i = skip_ws(body, i + 1);
        }
        let level = stack.len() - 1;
        just_opened = value(body, i, line_at, &mut lines, &mut stack, &mut i)?;
        stack[level].2 += 1;
        if lines.len() > MAX_LINES || stack.len() > MAX_DEPTH {
            return Err(NotViewable);
        }
    }
    if skip_ws(body, i) != body.len() {
        return Err(NotViewable);
    }
    Ok(lines)
}

/// Adds the line of the value at `i` (its line starting at `line_at`);
/// sets `next` past what it consumed; true when it opened a container.
fn value(
    body: &[u8],
    i: usize,
    line_at: usize,
    lines: &mut Vec<Line>,
    stack: &mut Vec<(u32, bool, u32)>,
    next: &mut usize,
) -> Result<bool, NotViewable> {
    let (parent, index, keyed) = match stack.last() {
        Some(&(p, object, count)) => (p, count, object),
        None => (NONE, 0, false),
    };
    let mut line = Line {
        at: line_at as u32,
        parent,
        partner: NONE,
        index,
        depth: stack.len() as u16,
        kind: Kind::Scalar,
        keyed,
        comma: false,
    };
    match body.get(i) {
        Some(&open @ (b'{' | b'[')) => {
            let j = skip_ws(body, i + 1);
            let shut = if open == b'{' { b'}' } else { b']' };
            if body.get(j) == Some(&shut) {
                line.kind = Kind::Empty;
                lines.push(line);
                *next = j + 1;
                return Ok(false);
            }
            line.kind = Kind::Open;
            stack.push((lines.len() as u32, open == b'{', 0));
            lines.push(line);
            *next = i + 1;
            Ok(true)
        }
        _ => {
            *next = scalar_end(body, i)?;
            lines.push(line);
            Ok(false)
        }
    }
}

fn close(lines: &mut Vec<Line>, stack: &mut Vec<(u32, bool, u32)>, open: u32, at: usize) {
    stack.pop();
    let o = lines[open as usize];
    lines[open as usize].partner = lines.len() as u32;
    lines.push(Line {
        at: at as u32,
        parent: o.parent,
        partner: open,
        index: o.index,
        depth: o.depth,
        kind: Kind::Close,
        keyed: false,
        comma: false,
    });
}

#[cfg(test)]
#[path = "json_view_tests.rs"]
mod tests;
