# Sourced by the scripts beside it: packages the generated crate as
# `cargo publish` would and unpacks it outside the workspace (inside it,
# cargo would take the package for a workspace member). Sets $crate_dir
# (removed on exit) and $version.
# Expects $CARGO_TARGET_DIR set and the workspace root as the current dir.

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' generated/Cargo.toml | head -n1)
cargo package -p phala-cloud --no-verify --allow-dirty --offline --quiet
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$CARGO_TARGET_DIR/package/phala-cloud-$version.crate" -C "$unpacked"
crate_dir=$unpacked/phala-cloud-$version
