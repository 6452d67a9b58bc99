//! "Copy as curl": the request as a shell command that reads the token
//! from `$RINGCX_TOKEN`, so what is copied never holds a secret.

use url::Url;

/// The placeholder the command uses for the token.
pub const TOKEN_VARIABLE: &str = "RINGCX_TOKEN";

/// Quotes one word for a POSIX shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `url` is the checked API URL with its query; `body` is JSON text or empty.
pub fn command(method: &str, url: &Url, body: &str) -> String {
    let mut out = format!(
        "curl -X {} {}",
        method.to_ascii_uppercase(),
        quote(url.as_str())
    );
    // Double quotes, so the shell expands the variable.
    out.push_str(&format!(
        " \\\n  -H \"Authorization: Bearer ${TOKEN_VARIABLE}\""
    ));
    out.push_str(" \\\n  -H 'Accept: application/json'");
    if !body.trim().is_empty() {
        out.push_str(" \\\n  -H 'Content-Type: application/json'");
        out.push_str(&format!(" \\\n  --data-raw {}", quote(body.trim())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_a_variable_and_words_are_quoted() {
        let url = Url::parse("https://ringcx.example.com/voice/api/v1/admin/accounts/1/x?a=b&c=d")
            .unwrap();
        let c = command("put", &url, r#"{"name":"O'Brien"}"#);
        assert!(
            c.starts_with(
                "curl -X PUT 'https://ringcx.example.com/voice/api/v1/admin/accounts/1/x?a=b&c=d'"
            ),
            "{c}"
        );
        assert!(
            c.contains("-H \"Authorization: Bearer $RINGCX_TOKEN\""),
            "{c}"
        );
        assert!(c.contains(r#"--data-raw '{"name":"O'\''Brien"}'"#), "{c}");
        let c = command("GET", &url, "  ");
        assert!(
            !c.contains("--data-raw") && !c.contains("Content-Type"),
            "{c}"
        );
    }
}
