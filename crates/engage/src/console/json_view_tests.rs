use super::*;

fn view(text: &str) -> JsonView {
    JsonView::index(Arc::new(text.as_bytes().to_vec())).expect("viewable")
}

/// The rows as a pretty printer with two-space indents would print them.
fn shown(v: &mut JsonView) -> String {
    let page = v.page("", 0, PAGE_LIMIT);
    page.rows
        .iter()
        .map(|r| format!("{}{}", "  ".repeat(r.depth.into()), r.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn lays_out_lines_as_serde_json_pretty_prints_them() {
    let docs = [
        r#"{"a":[1,2,{"b":null}],"c":{},"d":[],"e":"x\"y\u00e9","f":-1.5e+3,"g":true}"#,
        r#"[ {"id": 1, "tags": ["a", "b"]} , {"id": 2, "tags": [ ]} ]"#,
        r#"  "just a string"  "#,
        "0",
        r#"{"nested":{"deeper":{"deepest":[[[]]]}}}"#,
    ];
    for doc in docs {
        let value: serde_json::Value = serde_json::from_str(doc).unwrap();
        // serde_json prints escapes its own way; compare on documents it
        // would print as sent.
        let expected = serde_json::to_string_pretty(&value).unwrap();
        let mut v = view(doc);
        let got = shown(&mut v);
        if doc.contains('\\') {
            assert_eq!(got.lines().count(), expected.lines().count(), "{doc}");
            assert!(got.contains(r#""e": "x\"y\u00e9","#), "{got}");
        } else {
            assert_eq!(got, expected, "{doc}");
        }
        assert_eq!(v.line_count() as usize, expected.lines().count());
    }
}

#[test]
fn refuses_anything_but_one_json_value() {
    let bad = [
        "",
        "   ",
        "{",
        "[1,]",
        "[1 2]",
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
        r#"{1:2}"#,
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[-]",
        "[tru]",
        "[nul]",
        r#"["\x"]"#,
        r#"["\u12g4"]"#,
        "[\"a\u{1}b\"]",
        r#"{"a":1}}"#,
        r#"{"a":1} x"#,
        "[1][2]",
        "{]",
        "[}",
        "<html>error</html>",
    ];
    for doc in bad {
        assert!(
            JsonView::index(Arc::new(doc.as_bytes().to_vec())).is_err(),
            "{doc:?} was taken"
        );
        // serde_json agrees it is not JSON.
        assert!(
            serde_json::from_str::<serde_json::Value>(doc).is_err(),
            "{doc:?}"
        );
    }
    assert!(JsonView::index(Arc::new(vec![b'"', 0xff, b'"'])).is_err());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 5), "]".repeat(MAX_DEPTH + 5));
    assert!(JsonView::index(Arc::new(deep.into_bytes())).is_err());
}

#[test]
fn folding_hides_a_container_and_keeps_its_comma() {
    let mut v = view(r#"{"a":[1,2,3],"b":{"c":1}}"#);
    assert_eq!(v.page("", 0, 100).total, 10);
    v.fold(1, true); // "a": [
    let page = v.page("", 0, 100);
    assert_eq!(page.total, 6);
    assert_eq!(page.rows[1].text, r#""a": […],"#);
    assert_eq!(page.rows[1].fold, Fold::Folded);
    assert_eq!(page.rows[1].items, 3);
    assert_eq!(page.rows[2].text, r#""b": {"#);
    assert_eq!(page.rows[2].line, 6);
    // A fold inside a fold changes nothing until the outer one opens.
    v.fold(0, true);
    assert_eq!(shown(&mut v), "{…}");
    v.fold(6, true);
    v.fold(0, false);
    assert_eq!(shown(&mut v), "{\n  \"a\": […],\n  \"b\": {…}\n}");
    // Only an opening line folds.
    v.fold(2, true);
    v.fold(999, true);
    assert_eq!(v.page("", 0, 100).total, 4);
    v.fold_at_depth(5);
    assert_eq!(v.page("", 0, 100).total, 10);
}

#[test]
fn pages_a_twenty_megabyte_answer_and_filters_it_with_paths() {
    let users: Vec<serde_json::Value> = (0..40_000)
        .map(|i| {
            serde_json::json!({
                "userId": i, "firstName": format!("First{i}"), "lastName": "Smith",
                "email": format!("user{i}@example.com"), "enabled": i % 2 == 0,
                "roles": [{"role": "AGENT"}], "note": "x".repeat(450)
            })
        })
        .collect();
    let body = serde_json::to_vec(&users).unwrap();
    assert!(body.len() > 20_000_000, "{}", body.len());
    let mut v = JsonView::index(Arc::new(body)).unwrap();
    let total = v.page("", 0, 1).total;
    assert_eq!(total, 2 + 40_000 * 13); // keys come sorted: email … userId
                                        // A page deep down costs the same as the first.
    let page = v.page("", total - 3, 50);
    assert_eq!(page.rows.len(), 3);
    assert_eq!(page.rows[2].text, "]");
    let page = v.page("", 13 * 20_000 + 1, 3);
    assert_eq!(page.rows[0].text, "{");
    assert_eq!(page.rows[1].text, r#""email": "user20000@example.com","#);
    // Filtering, either case, with where each match sits.
    let page = v.page("USER39999@", 0, 10);
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0].path, "$[39999].email");
    assert_eq!(page.rows[0].text, r#""email": "user39999@example.com","#);
    assert_eq!(v.page("first1234", 0, 100).total, 11); // 1234, 12340..12349
    let page = v.page("\"AGENT\"", 39_999, 5);
    assert_eq!(page.total, 40_000);
    assert_eq!(page.rows[0].path, "$[39999].roles[0].role");
    assert_eq!(v.page("no such text", 0, 10).total, 0);
    // Folding every user leaves one row each.
    v.fold_at_depth(1);
    assert_eq!(v.page("", 0, 1).total, 40_002);
    assert_eq!(v.page("", 1, 1).rows[0].text, "{…},");
}

#[test]
fn long_lines_are_cut_and_odd_keys_are_quoted_in_paths() {
    let doc = format!(r#"{{"a b":{{"long":"{}"}}}}"#, "y".repeat(5_000));
    let mut v = view(&doc);
    let page = v.page("yyy", 0, 10);
    assert_eq!(page.rows[0].path, r#"$["a b"].long"#);
    assert_eq!(page.rows[0].text.chars().count(), LINE_CHARS + 1);
    assert!(page.rows[0].text.ends_with('…'));
    // Asking past the end, or for too many, is no error.
    assert!(v.page("", 50, 10).rows.is_empty());
    assert_eq!(v.page("", 0, u32::MAX).rows.len(), 5);
}

#[test]
fn a_key_sent_twice_is_shown_twice() {
    // serde_json's Value keeps the last; the console shows what came.
    let mut v = view(r#"{"a":1,"a":2}"#);
    assert_eq!(shown(&mut v), "{\n  \"a\": 1,\n  \"a\": 2\n}");
}

#[test]
fn writes_the_whole_document_pretty_in_the_order_it_came() {
    let long = "z".repeat(LINE_CHARS + 10);
    let doc = format!(r#"{{"b":[1,{{}}],"a":"{long}"}}"#);
    let v = view(&doc);
    let mut out = Vec::new();
    v.write_pretty(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        format!("{{\n  \"b\": [\n    1,\n    {{}}\n  ],\n  \"a\": \"{long}\"\n}}\n")
    );
}

#[test]
fn counts_the_members_of_a_top_level_array() {
    assert_eq!(view("[1,[2,3],{\"a\":[4]}]").root_items(), Some(3));
    assert_eq!(view(" [ ] ").root_items(), Some(0));
    assert_eq!(view("{\"a\":[1]}").root_items(), None);
    assert_eq!(view("7").root_items(), None);
}
