//! Overlays through the CLI: an action whose target matches nothing stops
//! the generation, naming the overlay file and the action (an upstream
//! rename must not drop a fix silently); `--allow-unused-overrides` turns it
//! into a warning; `--verbose` lists every action applied.

use crate::support::{config_in, run_with};

const STALE: &str = "overlay: 1.0.0
info: {title: stale, version: '1'}
actions:
  - target: $.paths['/api/v1/no-such-path'].get
    description: a fix for an operation upstream renamed
    update: {summary: fixed}
";

#[test]
fn an_overlay_action_that_matches_nothing_is_an_error_naming_file_and_action() {
    let dir = tempfile::tempdir().unwrap();
    let overlays = dir.path().join("overlays");
    std::fs::create_dir(&overlays).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../spec/overlays/10-typed-responses.yaml"
        ),
        overlays.join("10-typed-responses.yaml"),
    )
    .unwrap();
    std::fs::write(overlays.join("20-stale.yaml"), STALE).unwrap();
    let config = config_in(dir.path(), |text| {
        let line = text
            .lines()
            .find(|l| l.starts_with("overlays = "))
            .expect("the config names an overlay directory")
            .to_owned();
        text.replace(
            &line,
            &format!("overlays = {:?}", overlays.display().to_string()),
        )
    });

    let out = run_with(&config, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("20-stale.yaml: actions[0] `$.paths['/api/v1/no-such-path'].get` (a fix for an operation upstream renamed) (its target matches nothing)"),
        "{stderr}"
    );

    let out = run_with(&config, &["--allow-unused-overrides", "--verbose"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: override matches nothing: overlay"),
        "{stderr}"
    );
    assert!(
        stdout.contains("10-typed-responses.yaml: actions[1]")
            && stdout.contains("updated 1 node(s)"),
        "--verbose lists the actions applied:\n{stdout}"
    );
    assert!(
        stdout.contains("20-stale.yaml: actions[0]") && stdout.contains("updated 0 node(s)"),
        "{stdout}"
    );
}

/// Issue 13's rule: no operation returns untyped JSON unless an overlay
/// says why (`x-codegen-untyped`, which also goes into the method's docs).
#[test]
fn every_untyped_success_has_a_reason_from_an_overlay() {
    let config = phala_codegen::Config::load(&crate::support::config()).unwrap();
    let generated = phala_codegen::generate(&config, &config.inputs.spec).unwrap();
    let surface = phala_codegen::api_surface(&config, &config.inputs.spec, None).unwrap();
    let untyped: Vec<&str> = surface
        .operations
        .iter()
        .filter(|(_, op)| op.success == "Value")
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(!untyped.is_empty() && untyped.len() < 30, "{untyped:?}");
    for name in &untyped {
        let op = generated
            .api
            .operations
            .iter()
            .find(|o| o.name == *name)
            .unwrap();
        assert!(
            op.untyped_reason.is_some(),
            "`{name}` returns serde_json::Value with no x-codegen-untyped reason in spec/overlays/"
        );
    }
    for typed in [
        "provision_cvm",
        "get_app_env_encrypt_pub_key",
        "get_cvm_state",
        "replicate_cvm",
    ] {
        assert_ne!(surface.operations[typed].success, "Value", "{typed}");
    }
}

/// Issue 13's rule for added operations: exactly the operations the public
/// spec lacks carry `x-codegen-source`, and each one's method docs say it is
/// not in the public API spec and where it comes from.
#[test]
fn operations_missing_from_the_public_spec_are_marked_in_their_docs() {
    let config = phala_codegen::Config::load(&crate::support::config()).unwrap();
    let public: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config.inputs.spec).unwrap()).unwrap();
    let generated = phala_codegen::generate(&config, &config.inputs.spec).unwrap();
    let mut added = Vec::new();
    for op in &generated.api.operations {
        let in_public = public["paths"]
            .get(&*op.path)
            .and_then(|p| p.get(op.http_method.to_lowercase()))
            .is_some();
        assert_eq!(
            op.unlisted_source.is_some(),
            !in_public,
            "`{}` ({} {}): x-codegen-source must mark exactly the operations the public spec lacks",
            op.name,
            op.http_method,
            op.path
        );
        if !in_public {
            added.push(op.name.as_str());
        }
    }
    added.sort_unstable();
    assert_eq!(
        added,
        [
            "check_cvm_is_allowed",
            "get_available_nodes",
            "get_current_user",
            "get_cvm_containers_stats",
            "get_cvm_create_resources",
            "get_cvm_ssh_keys",
            "get_os_images",
            "get_pre_launch_script_upgrade_status",
            "get_workspace",
            "get_workspace_nodes",
            "get_workspace_quotas",
            "list_kms_contract_nodes",
            "list_workspaces",
            "revoke_current_api_token",
            "update_cvm_ssh_keys",
            "update_cvm_visibility",
            "upgrade_pre_launch_script",
        ]
    );
    let docs = generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/operations"))
        .map(|(_, text)| text.as_str())
        .collect::<String>();
    for name in &added {
        let before = docs.split(&format!("pub fn {name}(")).next().unwrap();
        // The `///` lines and attributes (a `#[deprecated(note = ..)]` spans
        // three lines) right above the method.
        let mut lines: Vec<&str> = before
            .lines()
            .rev()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| {
                let l = l.trim_start();
                ["///", "#[", "note = ", ")]"]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .collect();
        lines.reverse();
        let method = lines.join("\n");
        assert!(
            method.contains("Not in the public API spec: the server serves it, and this operation is taken from the"),
            "`{name}`'s docs:\n{method}"
        );
    }
}
