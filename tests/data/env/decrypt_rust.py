"""Decrypts tests/data/env/rust_ciphertexts.json (sealed by the Rust
phala_cloud::env::encrypt_env_vars) with Python, following dstack-sdk 0.5.4's
format, and checks each plaintext is byte for byte what dstack-sdk itself
would have encrypted for the same env list.

Regenerate the ciphertexts, then run this in a Python 3.10 venv with
`pip install phala-cloud==0.2.0 dstack-sdk==0.5.4`:
    cargo test --test env_vectors -- --ignored write_rust_ciphertexts
    python tests/data/env/decrypt_rust.py
"""
import json
import pathlib
import re

import dstack_sdk
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = pathlib.Path(__file__).parent


def open_sealed(private, ciphertext_hex):
    """dstack-sdk's layout: ephemeral X25519 key (32) || IV (12) || AES-GCM ciphertext+tag."""
    raw = bytes.fromhex(ciphertext_hex)
    shared = private.exchange(X25519PublicKey.from_public_bytes(raw[:32]))
    return AESGCM(shared).decrypt(raw[32:44], raw[44:], None)


def main():
    vectors = json.loads((HERE / "vectors.json").read_text(encoding="utf-8"))
    rust = json.loads((HERE / "rust_ciphertexts.json").read_text(encoding="utf-8"))
    private = X25519PrivateKey.from_private_bytes(bytes.fromhex(vectors["encryption"]["private_key"]))
    assert rust["public_key"] == private.public_key().public_bytes_raw().hex()
    checked = 0
    for case in rust["cases"]:
        ciphertext = case["ciphertext"]
        assert re.fullmatch(r"[0-9a-f]+", ciphertext), f"{case['name']}: bare lowercase hex"
        plaintext = open_sealed(private, ciphertext)
        envs = [dstack_sdk.EnvVar(key=e["key"], value=e["value"]) for e in case["env"]]
        # What the SDK encrypts for the same list, recovered from its own ciphertext.
        expected = open_sealed(private, dstack_sdk.encrypt_env_vars_sync(envs, rust["public_key"]))
        assert plaintext == expected, f"{case['name']}: {plaintext!r} != {expected!r}"
        assert json.loads(plaintext) == {"env": case["env"]}
        assert len(ciphertext) == 2 * (32 + 12 + len(plaintext) + 16)
        checked += 1
    assert checked == len(vectors["encryption"]["cases"]) and checked > 0
    print(f"{checked} passed, 0 failed")


if __name__ == "__main__":
    main()
