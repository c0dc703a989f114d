#!/usr/bin/env bash
# Generates every spec in ../shared/public-specs/ with --generic and compiles
# each crate that generates (cargo check, as one workspace in
# target/corpus), then prints `public specs: N/M generate, K/M compile` and
# what stopped each one that did not. This is the corpus test of the
# generator's test binary (codegen/tests/it/corpus.rs), run alone; CI runs
# the same test among the others. For each spec's generation time and crate
# size, run bench/scale.sh.
# Usage: bash scripts/corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q -p phala-codegen --test it public_specs_generate_and_compile -- --nocapture
