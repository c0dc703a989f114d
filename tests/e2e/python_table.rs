//! The guide's table of the Python SDK's methods (`spec/guide/50-python.md`,
//! the crate's `guide::python`) stays true: it lists every method of
//! `python-sdk-names.tsv`, once, and every Rust method it names exists in
//! the generated crate (`generated/api-surface.json`) for the same request.

use std::collections::BTreeMap;

use serde_json::Value;

#[test]
fn the_guide_maps_every_python_method_to_a_real_rust_method() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        phala_codegen::Config::load(&root.join(phala_codegen::inputs::config::DEFAULT_CONFIG))
            .unwrap();
    let page = config
        .docs
        .guide
        .as_ref()
        .expect("the config has a guide")
        .join("50-python.md");
    let guide = std::fs::read_to_string(&page).unwrap();
    let surface: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("generated/api-surface.json")).unwrap(),
    )
    .unwrap();
    let operations = surface["surface"]["operations"].as_object().unwrap();
    let table = guide
        .split("\n## Every Python SDK method in Rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .expect("the guide page has the table");
    let mut rows: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let python = cells[1].trim_matches('`').to_owned();
        let request = cells[2].trim_matches('`').to_owned();
        let rust = cells[3].trim_matches('`').to_owned();
        assert!(
            rows.insert(python.clone(), (request, rust)).is_none(),
            "{python} twice"
        );
    }
    let tsv = std::fs::read_to_string(config.inputs.python_names.as_ref().unwrap()).unwrap();
    let listed: Vec<&str> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("python_method"))
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(rows.len(), listed.len());
    for python in &listed {
        assert!(
            rows.contains_key(*python),
            "`{python}` is missing from the guide's table"
        );
    }
    let mut with_method = 0;
    for (python, (request, rust)) in &rows {
        if rust == "-" {
            continue;
        }
        with_method += 1;
        let op = operations
            .get(rust)
            .unwrap_or_else(|| panic!("`{python}` maps to `{rust}`, which the crate lacks"));
        let sent = format!(
            "{} {}",
            op["http_method"].as_str().unwrap(),
            op["path"].as_str().unwrap()
        );
        assert_eq!(&sent, request, "`{python}` -> `{rust}`");
    }
    assert_eq!(with_method, 69);
}
