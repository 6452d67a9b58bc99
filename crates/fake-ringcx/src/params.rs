//! Request parameters from the query string and the form body.
//!
//! The form body is only read when the request says it is
//! `application/x-www-form-urlencoded`, as the real (servlet) servers do: a
//! client that forgets the header finds its parameters ignored.

/// The parsed parameters of one request, put into its extensions by the log layer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl Params {
    pub fn query(&self, key: &str) -> Option<&str> {
        first(&self.query, key)
    }

    pub fn form(&self, key: &str) -> Option<&str> {
        first(&self.form, key)
    }

    /// The form value, else the query value (RingCX accepts both).
    pub fn either(&self, key: &str) -> Option<&str> {
        self.form(key).or_else(|| self.query(key))
    }

    /// A boolean flag such as `activeOnly=true`; anything but "true" is false.
    pub fn flag(&self, key: &str) -> bool {
        self.either(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

pub(crate) fn parse_pairs(raw: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_wins_over_query_and_flags_parse() {
        let p = Params {
            query: parse_pairs("a=q&flag=TRUE&only=1"),
            form: parse_pairs("a=f%2B%20x&b=2"),
        };
        assert_eq!(p.either("a"), Some("f+ x"));
        assert_eq!(p.query("a"), Some("q"));
        assert_eq!(p.form("b"), Some("2"));
        assert!(p.flag("flag"));
        assert!(!p.flag("only") && !p.flag("missing"));
    }
}
