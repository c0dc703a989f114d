//! The runtime's style encoder (`codegen/runtime/styles.rs`, shipped with
//! the crates that have parameters the SDK sends itself) against every row
//! of the OpenAPI "Style Examples" table: `color` is `""` (empty), `"blue"`
//! (string), `["blue", "black", "brown"]` (array) or
//! `{"R": 100, "G": 200, "B": 150}` (object). Where OpenAPI 3.0 and 3.1.1
//! differ, RFC 6570 and 3.1.1 are followed: `label` not exploded joins
//! with `,`, and a `deepObject` key's brackets are percent-encoded. The
//! runtime file uses no `crate::` path, so it compiles here as it is.

#[path = "../../runtime/styles.rs"]
mod styles;

use serde_json::{json, Value};
use styles::Style;

/// The four values of the table's columns.
fn columns() -> [Value; 4] {
    [
        json!(""),
        json!("blue"),
        json!(["blue", "black", "brown"]),
        json!({"R": 100, "G": 200, "B": 150}),
    ]
}

/// One row: the encoding of each column (`None`: the table says n/a and
/// the value is not checked).
fn row(encode: impl Fn(&Value) -> String, expected: [Option<&str>; 4]) {
    for (value, expected) in columns().iter().zip(expected) {
        if let Some(expected) = expected {
            assert_eq!(encode(value), expected, "{value}");
        }
    }
}

fn query(style: Style, explode: bool) -> impl Fn(&Value) -> String {
    move |v| styles::query("color", style, explode, v).join("&")
}

fn path(style: Style, explode: bool) -> impl Fn(&Value) -> String {
    move |v| styles::path("color", style, explode, v)
}

#[test]
fn path_styles_follow_the_table() {
    row(
        path(Style::Matrix, false),
        [
            Some(";color"),
            Some(";color=blue"),
            Some(";color=blue,black,brown"),
            Some(";color=R,100,G,200,B,150"),
        ],
    );
    row(
        path(Style::Matrix, true),
        [
            Some(";color"),
            Some(";color=blue"),
            Some(";color=blue;color=black;color=brown"),
            Some(";R=100;G=200;B=150"),
        ],
    );
    row(
        path(Style::Label, false),
        [
            Some("."),
            Some(".blue"),
            Some(".blue,black,brown"),
            Some(".R,100,G,200,B,150"),
        ],
    );
    row(
        path(Style::Label, true),
        [
            Some("."),
            Some(".blue"),
            Some(".blue.black.brown"),
            Some(".R=100.G=200.B=150"),
        ],
    );
    row(
        path(Style::Simple, false),
        [
            None,
            Some("blue"),
            Some("blue,black,brown"),
            Some("R,100,G,200,B,150"),
        ],
    );
    row(
        path(Style::Simple, true),
        [
            None,
            Some("blue"),
            Some("blue,black,brown"),
            Some("R=100,G=200,B=150"),
        ],
    );
}

#[test]
fn query_styles_follow_the_table() {
    row(
        query(Style::Form, false),
        [
            Some("color="),
            Some("color=blue"),
            Some("color=blue,black,brown"),
            Some("color=R,100,G,200,B,150"),
        ],
    );
    row(
        query(Style::Form, true),
        [
            Some("color="),
            Some("color=blue"),
            Some("color=blue&color=black&color=brown"),
            Some("R=100&G=200&B=150"),
        ],
    );
    row(
        query(Style::SpaceDelimited, false),
        [
            None,
            None,
            Some("color=blue%20black%20brown"),
            Some("color=R%20100%20G%20200%20B%20150"),
        ],
    );
    row(
        query(Style::PipeDelimited, false),
        [
            None,
            None,
            Some("color=blue|black|brown"),
            Some("color=R|100|G|200|B|150"),
        ],
    );
    row(
        query(Style::DeepObject, true),
        [
            None,
            None,
            None,
            Some("color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
        ],
    );
    // Exploded, the delimited styles are `form` exploded.
    for style in [Style::SpaceDelimited, Style::PipeDelimited] {
        row(
            query(style, true),
            [
                None,
                None,
                Some("color=blue&color=black&color=brown"),
                Some("R=100&G=200&B=150"),
            ],
        );
    }
}

#[test]
fn header_and_cookie_styles_follow_the_table() {
    for explode in [false, true] {
        let header = move |v: &Value| styles::header(explode, v).unwrap_or_default();
        let object = if explode {
            "R=100,G=200,B=150"
        } else {
            "R,100,G,200,B,150"
        };
        row(
            header,
            [None, Some("blue"), Some("blue,black,brown"), Some(object)],
        );
    }
    let cookie = |explode: bool| move |v: &Value| styles::cookie("color", explode, v).join("; ");
    row(
        cookie(false),
        [
            Some("color="),
            Some("color=blue"),
            Some("color=blue,black,brown"),
            Some("color=R,100,G,200,B,150"),
        ],
    );
    // Exploded, each item or entry is a cookie of its own (`&` cannot
    // separate cookies).
    row(
        cookie(true),
        [
            Some("color="),
            Some("color=blue"),
            Some("color=blue; color=black; color=brown"),
            Some("R=100; G=200; B=150"),
        ],
    );
}

#[test]
fn a_delimiter_inside_a_value_is_encoded() {
    let v = json!(["a,b", "c d", "e|f", "ü"]);
    let form = styles::query("q", Style::Form, false, &v);
    assert_eq!(form, ["q=a%2Cb,c%20d,e%7Cf,%C3%BC"]);
    let pipe = styles::query("q", Style::PipeDelimited, false, &v);
    assert_eq!(pipe, ["q=a%2Cb|c%20d|e%7Cf|%C3%BC"]);
    assert_eq!(
        styles::path("p", Style::Matrix, false, &json!(["a;b", "c/d"])),
        ";p=a%3Bb,c%2Fd"
    );
    assert_eq!(
        styles::header(false, &json!(["a,b", "c=d"])).unwrap(),
        "a%2Cb,c%3Dd"
    );
    assert_eq!(
        styles::cookie("c", false, &json!(["a,b", "c;d"])),
        ["c=a%2Cb,c%3Bd"]
    );
}

#[test]
fn null_and_empty_collections_send_nothing() {
    for style in [Style::Form, Style::SpaceDelimited, Style::PipeDelimited] {
        for explode in [false, true] {
            for v in [json!(null), json!([]), json!({})] {
                assert!(styles::query("q", style, explode, &v).is_empty(), "{v}");
            }
        }
    }
    assert_eq!(styles::header(false, &json!([])), None);
    assert!(styles::cookie("c", false, &json!(null)).is_empty());
    // Null items and entries are left out; numbers and booleans are JSON.
    assert_eq!(
        styles::query("q", Style::Form, false, &json!([1, null, true, 2.5])),
        ["q=1,true,2.5"]
    );
}

#[test]
fn deep_objects_nest_and_repeat() {
    let v = json!({"a": {"b": 1}, "c": ["x", "y"]});
    assert_eq!(
        styles::query("f", Style::DeepObject, true, &v),
        ["f%5Ba%5D%5Bb%5D=1", "f%5Bc%5D=x", "f%5Bc%5D=y"]
    );
}
