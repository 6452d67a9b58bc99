//! Search as you type over the catalogue.

use super::Operation;

/// Lower case, with camelCase and punctuation turned into spaces, so
/// "agentGroups" and "Agent Groups" read alike.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower {
                out.push(' ');
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            out.extend(c.to_lowercase());
        } else {
            prev_lower = false;
            out.push(' ');
        }
    }
    out
}

fn method_rank(method: &str) -> u8 {
    match method {
        "GET" => 0,
        "POST" => 1,
        "PUT" => 2,
        "PATCH" => 3,
        _ => 4,
    }
}

pub(super) fn search<'a>(operations: &'a [Operation], query: &str) -> Vec<&'a Operation> {
    let wanted: Vec<String> = words(query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut hits: Vec<(u32, &Operation)> = operations
        .iter()
        .filter_map(|op| {
            if wanted.is_empty() {
                return Some((0, op));
            }
            let tag = words(&op.tag);
            let summary = words(&op.summary);
            let path = words(&op.path);
            // The path also as written, so "agentgroups" finds agentGroups.
            let raw = op.path.to_lowercase();
            let method = op.method.to_lowercase();
            let mut score = 0;
            for w in &wanted {
                let mut found = false;
                for (field, weight) in [(&tag, 3), (&summary, 2), (&path, 1), (&raw, 1)] {
                    if field.contains(w.as_str()) {
                        score += weight;
                        found = true;
                    }
                }
                if method == *w {
                    score += 2;
                    found = true;
                }
                if !found {
                    return None;
                }
            }
            Some((score, op))
        })
        .collect();
    hits.sort_by(|(sa, a), (sb, b)| {
        if wanted.is_empty() {
            return (&a.tag, &a.path, method_rank(&a.method)).cmp(&(
                &b.tag,
                &b.path,
                method_rank(&b.method),
            ));
        }
        sb.cmp(sa)
            .then(a.path.len().cmp(&b.path.len()))
            .then(method_rank(&a.method).cmp(&method_rank(&b.method)))
    });
    // Grouped by tag, the groups in the order of their best hit.
    let mut groups: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for (_, op) in hits {
        match groups.iter_mut().find(|(tag, _)| *tag == op.tag) {
            Some((_, ops)) => ops.push(op),
            None => groups.push((&op.tag, vec![op])),
        }
    }
    groups.into_iter().flat_map(|(_, ops)| ops).collect()
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn camel_case_and_punctuation_become_words() {
        assert_eq!(words("agentGroups").trim(), "agent groups");
        assert_eq!(
            words("/v1/admin/{accountId}")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["v1", "admin", "account", "id"]
        );
        assert_eq!(words("Agent Groups"), "agent groups");
    }
}
