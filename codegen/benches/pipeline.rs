//! Generator benchmarks: each pipeline stage, the whole pipeline, a no-op
//! regeneration, both real specs, the API diff of the two, and synthetic specs 2x/5x/10x the size of
//! the Phala spec (paths and schemas cloned under new names) to show the
//! cost is linear. `cargo bench -p phala-codegen`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use phala_codegen::api::compare;
use phala_codegen::backend::bind;
use phala_codegen::inputs::overrides::Overrides;
use phala_codegen::ir::{self, naming};
use phala_codegen::out::write;
use phala_codegen::spec::{load, normalize};
use phala_codegen::{config, emit, Config};
use serde_json::Value;

/// The workspace configuration. The March and synthetic specs lack some
/// operations its overrides name, which is fine for timing.
fn config() -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config =
        Config::load(&root.join(config::DEFAULT_CONFIG)).expect("spec/phala-codegen.toml");
    config.allow_unused_overrides = true;
    config
}

fn stages(c: &mut Criterion, name: &str, spec: &Path) {
    let config = config();
    let python = naming::PythonNames::load(config.inputs.python_names.as_ref().unwrap()).unwrap();
    let raw = load::load_spec(spec).unwrap();
    let mut overrides = Overrides::of(&config);
    let names = naming::name_everything(&raw, spec, &config, &python, &mut overrides).unwrap();
    let ctx = normalize::Context {
        default_version: config.api.default_version.clone(),
        type_names: names.types.clone(),
    };
    let versions = normalize::unions::model_versions(&raw, &names.types);
    let mut normalized = raw.clone();
    normalize::passes::run(&mut normalized, &ctx).unwrap();
    let api = ir::lower::build(&normalized, &names, versions.clone()).unwrap();

    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("load", |b| b.iter(|| load::load_spec(spec).unwrap()));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            let mut doc = raw.clone();
            normalize::passes::run(&mut doc, &ctx).unwrap()
        })
    });
    group.bench_function("ir", |b| {
        b.iter(|| ir::lower::build(&normalized, &names, versions.clone()).unwrap())
    });
    group.bench_function("generate (progenitor)", |b| {
        b.iter(|| phala_codegen::backend::progenitor::generate(&normalized, &api).unwrap())
    });
    let catalog = phala_codegen::inputs::catalog::load(
        config.inputs.error_catalog.as_ref().unwrap(),
        &config.error_code_names,
    )
    .unwrap();
    group.bench_function("bind + our emitters + format", |b| {
        b.iter_batched(
            || phala_codegen::backend::progenitor::generate(&normalized, &api).unwrap(),
            |mut raw| {
                let bound = bind::bind(&api, std::mem::take(&mut raw.methods)).unwrap();
                emit::files::all(
                    &api,
                    &catalog,
                    &config,
                    "0.1.0",
                    raw,
                    &bound,
                    &Default::default(),
                )
                .unwrap()
            },
            criterion::BatchSize::LargeInput,
        )
    });
    // Formatting alone: prettyplease over the generated Rust files, parsed
    // once outside the timed loop.
    let parsed: Vec<syn::File> = phala_codegen::generate(&config, spec)
        .unwrap()
        .files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .filter_map(|(_, text)| syn::parse_file(text).ok())
        .collect();
    group.bench_function("format (prettyplease)", |b| {
        b.iter(|| {
            parsed
                .iter()
                .map(|f| prettyplease::unparse(f).len())
                .sum::<usize>()
        })
    });
    group.bench_function("whole pipeline", |b| {
        b.iter(|| phala_codegen::generate(&config, spec).unwrap())
    });
    // The release stage reads the previous generation from the output
    // directory, as the CLI does.
    let out = tempfile::tempdir().unwrap();
    let mut config = config;
    config.output.dir = out.path().to_owned();
    let files = phala_codegen::generate(&config, spec).unwrap().files;
    write::write(out.path(), &files, false).unwrap();
    group.bench_function("no-op regeneration", |b| {
        b.iter(|| {
            let files = phala_codegen::generate(&config, spec).unwrap().files;
            let report = write::write(out.path(), &files, false).unwrap();
            assert!(report.written.is_empty());
        })
    });
    group.finish();
}

/// `phala-codegen diff` March -> April: both surfaces, then the compare
/// stage alone.
fn diff(c: &mut Criterion) {
    let config = config();
    let new = config.inputs.spec.clone();
    let old = new.with_file_name("openapi-2026-03.json");
    let mut group = c.benchmark_group("diff March -> April");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("surfaces + compare", |b| {
        b.iter(|| {
            let o = phala_codegen::api_surface(&config, &old, None).unwrap();
            let n = phala_codegen::api_surface(&config, &new, None).unwrap();
            compare::compare(&o, &n, false, "PhalaCloudError").len()
        })
    });
    let o = phala_codegen::api_surface(&config, &old, None).unwrap();
    let n = phala_codegen::api_surface(&config, &new, None).unwrap();
    group.bench_function("compare", |b| {
        b.iter(|| compare::compare(&o, &n, false, "PhalaCloudError").len())
    });
    group.finish();
}

fn phala(c: &mut Criterion) {
    let spec = config().inputs.spec;
    stages(c, "openapi.json (102 operations)", &spec);
}

fn march(c: &mut Criterion) {
    let spec = config().inputs.spec.with_file_name("openapi-2026-03.json");
    stages(c, "openapi-2026-03.json (173 operations)", &spec);
}

/// The spec with every path and component cloned `factor - 1` more times
/// under new names, `$ref`s inside each clone pointing at its own copies.
fn scaled(doc: &Value, factor: usize) -> Value {
    let mut out = doc.clone();
    let paths = doc["paths"].as_object().unwrap().clone();
    let schemas = doc["components"]["schemas"].as_object().unwrap().clone();
    for k in 1..factor {
        let suffix = format!("_x{k}");
        for (path, item) in &paths {
            let mut item = item.clone();
            rename_clone(&mut item, &suffix);
            out["paths"][format!("{path}{suffix}")] = item;
        }
        for (name, schema) in &schemas {
            let mut schema = schema.clone();
            rename_clone(&mut schema, &suffix);
            out["components"]["schemas"][clone_name(name, &suffix)] = schema;
        }
    }
    out
}

/// A clone's name: unique, and left whole by the naming rules (no
/// `_api_v1_` to cut at), so neither methods nor `Body_*` types collide.
fn clone_name(name: &str, suffix: &str) -> String {
    format!("{}{suffix}", name.replace("_api_v1_", "_v1_"))
}

fn rename_clone(v: &mut Value, suffix: &str) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => {
                        let (base, name) = r.rsplit_once('/').unwrap_or(("", r));
                        *r = format!("{base}/{}", clone_name(name, suffix));
                    }
                    ("operationId", Value::String(id)) => *id = clone_name(id, suffix),
                    (_, child) => rename_clone(child, suffix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rename_clone(i, suffix)),
        _ => {}
    }
}

fn scaling(c: &mut Criterion) {
    let config = config();
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&config.inputs.spec).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("scaling (whole pipeline)");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for factor in [1usize, 2, 5, 10] {
        let path: PathBuf = dir.path().join(format!("spec-{factor}x.json"));
        std::fs::write(&path, serde_json::to_string(&scaled(&doc, factor)).unwrap()).unwrap();
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{factor}x")),
            &path,
            |b, path| b.iter(|| phala_codegen::generate(&config, path).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, phala, march, diff, scaling);
criterion_main!(benches);
