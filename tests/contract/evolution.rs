//! The API moves ahead of its spec: every operation with a JSON response,
//! against a local server answering a spec-valid body built from the
//! overlaid spec (every property present, so every enum and object is
//! reached), mutated three ways the server may change before the spec does:
//! - an unknown value at each position of a string enum of the response;
//! - an extra field in every object;
//! - a required field renamed in the shape of each version union.
//!
//! Each mutated body must decode through the generated client
//! (`call_json`, which decodes into the typed model and writes it back as
//! JSON); an unknown enum value must come back unchanged, and every extra
//! field must stay readable, from the model or from
//! `Response::extra_fields`. Prints
//! `evolution: N/N responses decode, N/N unknown values round-trip, ...`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use phala_codegen::ir::Operation;
use serde_json::{json, Map, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const UNKNOWN: &str = "A_VALUE_THIS_CRATE_DOES_NOT_KNOW";
const EXTRA: &str = "a_field_the_spec_does_not_name";

/// A place in a sampled body that a mutation targets, by JSON pointer.
#[derive(Debug, Clone)]
enum Site {
    /// A string enum of two or more values (a one-value enum is a `const`,
    /// closed on purpose: it tells a union's models apart).
    Enum(String),
    /// An object; `map` when it is a map (its values' schema), whose new
    /// key needs a value of that schema.
    Object { at: String, map: Option<Value> },
    /// The chosen model of a union of several models, and a field it
    /// requires.
    Union { at: String, required: String },
}

/// A body with every property of `schema`, and the sites it contains.
struct Sampler<'a> {
    spec: &'a Value,
    sites: Vec<Site>,
    /// The member each union takes, by pointer (the first when absent).
    choices: BTreeMap<String, usize>,
    /// Each union met and how many members it has that are not `null`.
    unions: Vec<(String, usize)>,
}

impl<'a> Sampler<'a> {
    fn new(spec: &'a Value, choices: BTreeMap<String, usize>) -> Self {
        Sampler {
            spec,
            sites: Vec::new(),
            choices,
            unions: Vec::new(),
        }
    }
}

impl Sampler<'_> {
    fn sample(&mut self, schema: &Value, at: &str, depth: usize) -> Value {
        if depth > 24 {
            return Value::Null;
        }
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let resolved = self
                .spec
                .pointer(target.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null);
            return self.sample(&resolved, at, depth + 1);
        }
        if let Some(v) = schema.get("const") {
            return v.clone();
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let strings = values.iter().filter(|v| v.is_string()).count();
            if strings >= 2 {
                self.sites.push(Site::Enum(at.to_owned()));
            }
            return values.first().cloned().unwrap_or(Value::Null);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(members) = schema.get(key).and_then(Value::as_array) {
                return self.union(members, at, depth);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                match self.sample(part, at, depth + 1) {
                    Value::Object(m) => merged.extend(m),
                    other => return other,
                }
            }
            return Value::Object(merged);
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) => types.iter().find(|t| *t != "null").cloned(),
            other => other.cloned(),
        };
        match ty.as_ref().and_then(Value::as_str) {
            Some("array") => match schema.get("prefixItems").and_then(Value::as_array) {
                // A tuple: one value per position.
                Some(tuple) => Value::Array(
                    tuple
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.sample(item, &format!("{at}/{i}"), depth + 1))
                        .collect(),
                ),
                None => {
                    let items = schema.get("items").cloned().unwrap_or(Value::Null);
                    json!([self.sample(&items, &format!("{at}/0"), depth + 1)])
                }
            },
            Some("object") | None if schema.get("properties").is_some() => {
                self.object(schema, at, depth)
            }
            Some("object") => self.object(schema, at, depth),
            Some("string") => match alternative(schema) {
                Some(first) => json!(first),
                None => super::samples::sample(self.spec, schema, depth),
            },
            Some("integer" | "number" | "boolean") => {
                super::samples::sample(self.spec, schema, depth)
            }
            Some("null") => Value::Null,
            _ => json!("sample"),
        }
    }

    fn object(&mut self, schema: &Value, at: &str, depth: usize) -> Value {
        let properties = schema.get("properties").and_then(Value::as_object);
        let map = match schema.get("additionalProperties") {
            Some(Value::Bool(true)) => Some(json!({})),
            Some(s @ Value::Object(_)) if properties.is_none_or(Map::is_empty) => Some(s.clone()),
            _ if properties.is_none_or(Map::is_empty) => Some(json!({})),
            _ => None,
        };
        self.sites.push(Site::Object {
            at: at.to_owned(),
            map,
        });
        let mut out = Map::new();
        for (name, prop) in properties.into_iter().flatten() {
            let here = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
            out.insert(name.clone(), self.sample(prop, &here, depth + 1));
        }
        Value::Object(out)
    }

    /// The chosen member that is not `null` (the first unless `choices`
    /// says); a union of several models records a field its chosen model
    /// requires.
    fn union(&mut self, members: &[Value], at: &str, depth: usize) -> Value {
        let resolve = |m: &Value| -> Value {
            match m.get("$ref").and_then(Value::as_str) {
                Some(r) => self
                    .spec
                    .pointer(r.trim_start_matches('#'))
                    .cloned()
                    .unwrap_or(Value::Null),
                None => m.clone(),
            }
        };
        let resolved: Vec<Value> = members.iter().map(resolve).collect();
        let models = resolved
            .iter()
            .filter(|m| m.get("properties").is_some())
            .count();
        let candidates: Vec<&Value> = resolved
            .iter()
            .filter(|m| m.get("type") != Some(&json!("null")))
            .collect();
        self.unions.push((at.to_owned(), candidates.len()));
        let pick = self.choices.get(at).copied().unwrap_or(0);
        let Some(&chosen) = candidates.get(pick).or(candidates.first()) else {
            return Value::Null;
        };
        if models >= 2 {
            let required = chosen
                .get("required")
                .and_then(Value::as_array)
                .and_then(|r| r.first())
                .and_then(Value::as_str);
            if let Some(field) = required {
                self.sites.push(Site::Union {
                    at: at.to_owned(),
                    required: field.to_owned(),
                });
            }
        }
        self.sample(chosen, at, depth + 1)
    }
}

/// The first alternative of a `pattern` that lists them (`^(tcp|udp)$`),
/// the only patterns of the spec a sample string does not already match.
fn alternative(schema: &Value) -> Option<String> {
    let pattern = schema.get("pattern")?.as_str()?;
    let inner = pattern.strip_prefix("^(")?.strip_suffix(")$")?;
    let first = inner.split('|').next()?;
    first
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then(|| first.to_owned())
}

/// The body served next, shared with the server's responder.
#[derive(Clone, Default)]
struct Served(Arc<Mutex<(u16, Value)>>);

impl Respond for Served {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, body) = self.0.lock().unwrap().clone();
        ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
    }
}

/// The 2xx JSON response schema of `op` in the raw spec, and its status;
/// for a variant method (`[api.variants]`), its own model's.
fn success_schema(spec: &Value, op: &Operation) -> Option<(u16, Value)> {
    if let Some(variant) = &op.variant_of {
        let schema = json!({"$ref": format!("#/components/schemas/{}", variant.returns)});
        return Some((200, schema));
    }
    let responses = spec["paths"][&*op.path][op.http_method.to_lowercase()]["responses"]
        .as_object()?
        .clone();
    responses.into_iter().find_map(|(code, r)| {
        let status: u16 = code.parse().ok().filter(|s| (200..300).contains(s))?;
        let schema = r.pointer("/content/application~1json/schema")?.clone();
        Some((status, schema))
    })
}

/// A sample of `schema` for each member of each union in it (one union
/// at a time; the others take their first member), so every model of a
/// version union is reached.
fn shapes<'a>(spec: &'a Value, schema: &Value) -> Vec<(String, Sampler<'a>, Value)> {
    let mut first = Sampler::new(spec, BTreeMap::new());
    let body = first.sample(schema, "", 0);
    let unions = first.unions.clone();
    let mut out = vec![("the spec's first shape".to_owned(), first, body)];
    for (at, members) in unions {
        for member in 1..members {
            let mut sampler = Sampler::new(spec, BTreeMap::from([(at.clone(), member)]));
            let body = sampler.sample(schema, "", 0);
            out.push((
                format!("member {member} of the union at `{at}`"),
                sampler,
                body,
            ));
        }
    }
    out
}

/// Every mutated body of one sample, each with what it tests.
fn mutations(body: &Value, sites: &[Site], spec: &Value) -> Vec<(String, Value, Check)> {
    let mut out = Vec::new();
    let mut extra = body.clone();
    let mut added = Vec::new();
    for site in sites {
        match site {
            Site::Enum(at) => {
                let mut b = body.clone();
                if let Some(v) = b.pointer_mut(at) {
                    *v = json!(UNKNOWN);
                    out.push((
                        format!("unknown value at {at}"),
                        b,
                        Check::RoundTrip(at.clone()),
                    ));
                }
            }
            Site::Object { at, map } => {
                let value = match map {
                    Some(values) => super::samples::sample(spec, values, 0),
                    None => json!("extra"),
                };
                if let Some(Value::Object(o)) = extra.pointer_mut(at) {
                    o.insert(EXTRA.to_owned(), value);
                    added.push(format!("{at}/{EXTRA}"));
                }
            }
            Site::Union { at, required } => {
                let mut b = body.clone();
                if let Some(Value::Object(o)) = b.pointer_mut(at) {
                    if let Some(v) = o.remove(required) {
                        o.insert(format!("{required}_renamed"), v);
                        let renamed = format!("{at}/{required}_renamed");
                        out.push((
                            format!("renamed `{required}` at {at}"),
                            b,
                            Check::Kept(renamed),
                        ));
                    }
                }
            }
        }
    }
    if !added.is_empty() {
        out.push(("extra fields".to_owned(), extra, Check::Extras(added)));
    }
    out
}

/// What a decoded mutation must show besides decoding.
enum Check {
    /// The unknown value, written back where it was.
    RoundTrip(String),
    /// The renamed field: kept with the JSON of a shape the union does not
    /// know, or among `extra_fields` when a looser model took the body.
    Kept(String),
    /// Each extra field, in the model or among `extra_fields`.
    Extras(Vec<String>),
}

/// `/a/0/b` -> `a[0].b`, the path form of `Response::extra_fields`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    out
}

#[derive(Default)]
struct Counts {
    bodies: usize,
    decoded: usize,
    unknown: usize,
    round_trips: usize,
    extras: usize,
    readable: usize,
    renamed: usize,
    kept: usize,
    failures: BTreeMap<String, String>,
}

impl Counts {
    fn check(
        &mut self,
        what: &str,
        check: &Check,
        sent: &Value,
        got: &phala_cloud::Response<Value>,
    ) {
        let data = got.data();
        match check {
            Check::RoundTrip(at) => {
                self.unknown += 1;
                if data.pointer(at) == Some(&json!(UNKNOWN)) {
                    self.round_trips += 1;
                } else {
                    self.failures.insert(
                        what.to_owned(),
                        format!("came back as {:?}", data.pointer(at)),
                    );
                }
            }
            Check::Kept(at) => {
                self.renamed += 1;
                let readable = data.pointer(at) == sent.pointer(at)
                    || got.extra_fields().contains_key(&dotted(at));
                if readable {
                    self.kept += 1;
                } else {
                    self.failures
                        .insert(what.to_owned(), format!("lost: {data}"));
                }
            }
            Check::Extras(added) => {
                let extras = got.extra_fields();
                for at in added {
                    self.extras += 1;
                    if data.pointer(at).is_some() || extras.contains_key(&dotted(at)) {
                        self.readable += 1;
                    } else {
                        self.failures
                            .insert(format!("{what} {at}"), format!("lost; extras: {extras:?}"));
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_keep_decoding_when_the_api_moves_ahead_of_its_spec() {
    let setup = super::setup();
    let server = MockServer::start().await;
    let served = Served::default();
    Mock::given(wiremock::matchers::any())
        .respond_with(served.clone())
        .mount(&server)
        .await;
    let client = super::client(&server.uri(), None);
    let mut counts = Counts::default();
    for op in &setup.operations {
        let Some((status, schema)) = success_schema(&setup.spec, op) else {
            continue;
        };
        let args = super::arguments(&setup.spec, op);
        let mut bodies = Vec::new();
        for (shape, sampler, body) in shapes(&setup.spec, &schema) {
            bodies.push((shape.clone(), body.clone(), None));
            for (what, mutated, check) in mutations(&body, &sampler.sites, &setup.spec) {
                bodies.push((format!("{shape}, {what}"), mutated, Some(check)));
            }
        }
        for (what, sent, check) in bodies {
            let what = format!("{} ({what})", op.name);
            *served.0.lock().unwrap() = (status, sent.clone());
            counts.bodies += 1;
            match client.call_json(&op.name, &args).await {
                Ok(got) => {
                    counts.decoded += 1;
                    if let Some(check) = &check {
                        counts.check(&what, check, &sent, &got);
                    }
                }
                Err(e) => {
                    counts.failures.insert(what, e.to_string());
                }
            }
        }
    }
    let line = format!(
        "evolution: {}/{} responses decode, {}/{} unknown values round-trip, \
         {}/{} extra fields readable, {}/{} renamed-field bodies kept",
        counts.decoded,
        counts.bodies,
        counts.round_trips,
        counts.unknown,
        counts.readable,
        counts.extras,
        counts.kept,
        counts.renamed
    );
    // Past the test harness's capture, as the contract coverage lines are.
    let _ = writeln!(std::io::stderr(), "{line}");
    let failures: Vec<String> = counts
        .failures
        .iter()
        .map(|(what, why)| format!("{what}: {why}"))
        .collect();
    assert!(failures.is_empty(), "{line}\n{}", failures.join("\n"));
    assert!(
        counts.unknown > 0 && counts.renamed > 0 && counts.extras > 0,
        "{line}"
    );
}
