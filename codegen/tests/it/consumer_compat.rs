//! A caller's crate written against the SDK generated from one spec keeps
//! compiling when the spec gains what the `diff` report calls non-breaking
//! (an optional field in a request model, an optional query parameter, a
//! response field, an operation), and stops compiling when it gains what
//! the report calls breaking (a required field in a request model). Each
//! crate is checked with `cargo check`, offline, with the workspace's
//! lockfile and a target directory the other spec-compile tests share.

use std::path::Path;
use std::process::Command;

use crate::diff_support::{add_property, base, get_thing, push, schema};
use serde_json::{json, Value};

/// Code a user writes against the first generation: it builds a request
/// model, sets an optional parameter and reads a response field.
const CONSUMER: &str = r#"
use phala_cloud::types::{ThingCreate, ThingKind};
use phala_cloud::{PhalaCloud, PhalaCloudError};

pub async fn make(client: &PhalaCloud) -> Result<String, PhalaCloudError> {
    let created = client
        .create_thing(ThingCreate::new(ThingKind::Small, "first"))
        .await?;
    let again = client.get_thing(&created.id).filter("all").await?;
    Ok(again.name)
}
"#;

#[test]
fn a_consumer_survives_non_breaking_changes_and_not_a_breaking_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let sdk = dir.path().join("phala-cloud");
    let consumer = dir.path().join("consumer");
    std::fs::create_dir_all(consumer.join("src")).unwrap();
    std::fs::write(
        consumer.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nphala-cloud = { path = \"../phala-cloud\" }\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(consumer.join("src/lib.rs"), CONSUMER).unwrap();
    std::fs::copy(root.join("Cargo.lock"), consumer.join("Cargo.lock")).unwrap();

    let generate = |spec: &Value, name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, spec.to_string()).unwrap();
        let out = crate::support::run(&[
            "--spec",
            path.to_str().unwrap(),
            "--out",
            sdk.to_str().unwrap(),
            "--allow-unused-overrides",
            "--no-overlays",
        ]);
        assert!(
            out.status.success(),
            "generation from {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let check = || {
        let out = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--offline", "--manifest-path"])
            .arg(consumer.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/older-spec"))
            .output()
            .expect("cargo runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let old = base();
    generate(&old, "old.json");
    let (ok, stderr) = check();
    assert!(
        ok,
        "the consumer does not compile against its own SDK:\n{stderr}"
    );

    let mut grown = old.clone();
    add_property(
        &mut grown,
        "ThingCreate",
        "size",
        json!({"type": "integer", "default": 1}),
        false,
    );
    add_property(
        &mut grown,
        "ThingCreate",
        "labels",
        json!({"type": "array", "items": {"type": "string"}}),
        false,
    );
    add_property(
        &mut grown,
        "Thing",
        "size",
        json!({"type": "integer"}),
        true,
    );
    push(
        &mut get_thing(&mut grown)["parameters"],
        json!({"name": "limit", "in": "query", "required": false,
               "schema": {"type": "integer", "minimum": 1}}),
    );
    grown["paths"]["/api/v1/things/{id}"]["delete"] = json!({
        "operationId": "delete_thing_api_v1_things__id__delete",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "gone"}}
    });
    generate(&grown, "grown.json");
    let (ok, stderr) = check();
    assert!(
        ok,
        "non-breaking spec changes broke the consumer:\n{stderr}"
    );

    // The control: a change the report calls breaking does break it, so
    // the check above can fail.
    let mut broken = grown.clone();
    add_property(
        &mut broken,
        "ThingCreate",
        "owner",
        json!({"type": "string"}),
        true,
    );
    assert!(schema(&mut broken, "ThingCreate")["required"].is_array());
    generate(&broken, "broken.json");
    let (ok, stderr) = check();
    assert!(
        !ok,
        "a new required request field should break the consumer"
    );
    assert!(
        stderr.contains("ThingCreate::new") || stderr.contains("this function takes 3 arguments"),
        "the consumer should fail on `new`'s arity:\n{stderr}"
    );
}
