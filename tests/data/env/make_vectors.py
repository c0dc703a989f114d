"""Writes tests/data/env/vectors.json: what the Python SDKs compute for the
phala_cloud::env helpers, so the Rust tests can hold them to the same bytes.

Run in a Python 3.10 venv with `pip install phala-cloud==0.2.0 dstack-sdk==0.5.4`
(the venv also needs eth_keys, eth_utils and pysha3, which they pull in):
    python tests/data/env/make_vectors.py
Keys come from fixed seeds, so a rerun changes only the encryption cases (the
SDK picks a fresh ephemeral key and IV each time).
"""
import copy
import hashlib
import json
import pathlib
import sys
import tempfile
import warnings

import dstack_sdk
import phala_cloud
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eth_keys import keys
from eth_utils import keccak

OUT = pathlib.Path(__file__).with_name("vectors.json")
NOW = 1_750_000_000
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F


def seed(label):
    return hashlib.sha256(b"phala-cloud rust env vectors: " + label).digest()


# ---------------------------------------------------------------- compose hash

BASE = {
    "manifest_version": 2,
    "name": "my-app",
    "runner": "docker-compose",
    "docker_compose_file": "services:\n  app:\n    image: nginx:latest\n    ports:\n      - \"80:80\"\n",
    "kms_enabled": True,
    "gateway_enabled": True,
    "public_logs": True,
    "public_sysinfo": True,
    "public_tcbinfo": False,
    "local_key_provider_enabled": False,
    "key_provider": "kms",
    "key_provider_id": "",
    "allowed_envs": ["API_KEY", "DATABASE_URL"],
    "no_instance_id": False,
    "secure_time": False,
    "features": ["kms", "tproxy-net"],
    "pre_launch_script": "#!/bin/bash\necho \"pre-launch\" && env | grep -c '=' \\\n  > /dev/null\n",
}

COMPOSES = [
    ("basic", BASE, False),
    ("basic_reordered", dict(reversed(list(BASE.items()))), False),
    ("minimal", {"runner": "docker-compose"}, False),
    ("nested_unsorted", {
        "runner": "docker-compose",
        "zeta": {"b": 1, "a": {"d": [3, {"y": 1, "x": 2}], "c": None}},
        "alpha": [{"k2": "v", "k1": [None, True, False]}, [], {}],
        "docker_config": {"username": "bob", "registry": "ghcr.io", "token_key": None},
    }, False),
    ("unicode", {
        "runner": "docker-compose",
        "name": "测试应用 🚀 café",
        "docker_compose_file": "# ünïcödé ✓\nservices: {}\n",
        "é": "e-acute",
        "z": 1,
        "Z": 2,
        "ｚ": "fullwidth z (U+FF5A sorts before astral keys by code point)",
        "😀": "emoji key (U+1F600; UTF-16 order would put it before U+FF5A)",
        "\u00a0nbsp": "key starting with NBSP",
        "nested": {"Ω": "omega", "A": "a", "ä": ["ß", "🎉"]},
    }, False),
    ("numbers", {
        "runner": "docker-compose",
        "manifest_version": 2,
        "ints": [0, 1, -1, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1],
        "floats": [0.1, 1.5, -2.25, 1e-7, 2.5e-5, 0.0001, 1e15, 1e16, 123456.789,
                   100.0, -0.0, 0.0, 1e308, 5e-324, 1.7976931348623157e308,
                   3.141592653589793, 1e22, 1e21, 12345678901234567890.0],
        "top_float": 0.5,
        "zero": 0,
    }, False),
    ("nulls_and_bools", {
        "runner": "docker-compose",
        "name": None,
        "kms_enabled": False,
        "gateway_enabled": True,
        "custom_null": None,
        "nested": {"n": None, "t": True, "f": False, "l": [None]},
        "empty_string": "",
        "empty_list": [],
        "empty_object": {},
    }, False),
    ("escapes", {
        "runner": "docker-compose",
        "s": "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del\u007f"
             " ls\u2028 ps\u2029 bom\ufeff nel\u0085",
        "k\"ey\n": "escaped key",
    }, False),
    ("docker_config_empty", {"runner": "docker-compose", "docker_config": {}}, False),
    ("docker_config_all_null", {"runner": "docker-compose", "docker_config": {"registry": None}}, False),
    ("underscore_keys_dropped", {"runner": "docker-compose", "_private": 1, "__dunder__": 2, "a_b": 3}, False),
    ("from_dict_key_kept", {"runner": "docker-compose", "from_dict": "x", "kwargs": 1}, False),
    ("runner_int", {"runner": 5, "name": "r"}, False),
    ("runner_true", {"runner": True}, False),
    ("runner_null", {"runner": None}, False),
    ("runner_float", {"runner": 1.5}, False),
    ("runner_float_integral", {"runner": 2.0}, False),
    ("bash_with_compose_file", {
        "runner": "bash", "bash_script": "echo hi", "docker_compose_file": "services: {}",
        "pre_launch_script": "",
    }, False),
    ("bash_with_compose_file", {
        "runner": "bash", "bash_script": "echo hi", "docker_compose_file": "services: {}",
        "pre_launch_script": "",
    }, True),
    ("compose_with_bash_script", {
        "runner": "docker-compose", "bash_script": "echo hi", "docker_compose_file": "x",
        "pre_launch_script": "echo pre",
    }, True),
    ("falsy_pre_launch_false", {"runner": "docker-compose", "pre_launch_script": False}, True),
    ("falsy_pre_launch_zero", {"runner": "docker-compose", "pre_launch_script": 0}, True),
    ("falsy_pre_launch_zero_float", {"runner": "docker-compose", "pre_launch_script": 0.0}, True),
    ("falsy_pre_launch_list", {"runner": "docker-compose", "pre_launch_script": []}, True),
    ("falsy_pre_launch_object", {"runner": "docker-compose", "pre_launch_script": {}}, True),
    ("truthy_pre_launch_object", {"runner": "docker-compose", "pre_launch_script": {"a": 0}}, True),
    ("other_runner_keeps_both", {
        "runner": "other", "bash_script": "a", "docker_compose_file": "b",
    }, True),
    ("normalize_basic", BASE, True),
    ("normalize_docker_config", {
        "runner": "docker-compose", "docker_config": {"registry": "r", "username": None},
    }, True),
    # Python raises for these; Rust must refuse them too (except where noted).
    ("error_missing_runner", {"name": "x"}, False),
    ("error_docker_config_extra_key", {"runner": "docker-compose", "docker_config": {"password": "x"}}, False),
    ("error_docker_config_string", {"runner": "docker-compose", "docker_config": "ghcr.io"}, False),
    ("error_docker_config_false", {"runner": "docker-compose", "docker_config": False}, False),
    ("error_key_self", {"runner": "docker-compose", "self": 1}, False),
    ("error_key_to_dict", {"runner": "docker-compose", "to_dict": "x"}, False),
    ("error_docker_config_null", {"runner": "docker-compose", "docker_config": None, "name": "n"}, False),
]


def compose_cases():
    out = []
    for name, doc, normalize in COMPOSES:
        case = {"name": name, "normalize": normalize, "compose": doc}
        try:
            case["hash"] = dstack_sdk.get_compose_hash(copy.deepcopy(doc), normalize=normalize)
            app = dstack_sdk.AppCompose.from_dict(copy.deepcopy(doc))
            if normalize:
                app = sys.modules["dstack_sdk.get_compose_hash"].preprocess_app_compose(app)
            case["canonical"] = sys.modules["dstack_sdk.get_compose_hash"].to_deterministic_json(app)
            assert hashlib.sha256(case["canonical"].encode()).hexdigest() == case["hash"]
        except Exception as exc:  # noqa: BLE001 - the exception type is the fact recorded
            case["python_error"] = type(exc).__name__
        if name == "error_docker_config_null":
            # Python's from_dict passes docker_config twice and raises TypeError;
            # the Rust helper treats a null docker_config as absent, which is
            # what every other top-level null gets.
            without = {k: v for k, v in doc.items() if k != "docker_config"}
            case["rust_hash"] = dstack_sdk.get_compose_hash(copy.deepcopy(without))
        out.append(case)
    return out


# ---------------------------------------------------------------- mr_config_id

def mr_config_cases(compose_hash_hex):
    app_id = "0x" + seed(b"app id")[:20].hex()
    kms_id = seed(b"kms ca")[:32].hex() + "02"
    out = []
    for kp in ("none", "local", "kms", "tpm"):
        for kp_id in ("", kms_id, "0x" + kms_id[:66]):
            value = phala_cloud.get_mr_config_id_hex(compose_hash_hex, app_id, kp, kp_id)
            out.append({
                "compose_hash": compose_hash_hex, "app_id": app_id, "key_provider": kp,
                "key_provider_id": kp_id, "mr_config_id": value,
                "verify_same_upper": phala_cloud.verify_mr_config_id(
                    value.upper().replace("0X", "0x"), compose_hash_hex, app_id, kp, kp_id),
                "verify_other_kind": phala_cloud.verify_mr_config_id(
                    value, compose_hash_hex, app_id, "none" if kp != "none" else "kms", kp_id),
            })
    # bare hex inputs (no 0x) and a 0x compose hash
    value = phala_cloud.get_mr_config_id_hex("0x" + compose_hash_hex, app_id[2:], "kms", kms_id)
    out.append({"compose_hash": "0x" + compose_hash_hex, "app_id": app_id[2:], "key_provider": "kms",
                "key_provider_id": kms_id, "mr_config_id": value,
                "verify_same_upper": True, "verify_other_kind": False})
    v1 = phala_cloud.get_mr_config_id_v1(bytes.fromhex(compose_hash_hex)).hex()
    return {"v2": out, "v1": [{"compose_hash": compose_hash_hex, "mr_config_id": v1}]}


# ---------------------------------------------------------------- KMS signatures

def sig_bytes(r, s, v):
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def non_x_coordinate():
    x = 1
    while pow((x ** 3 + 7) % P, (P - 1) // 2, P) == 1:
        x += 1
    return x


def signature_cases():
    signer = keys.PrivateKey(seed(b"kms k256 signer"))
    pubkey = X25519PrivateKey.from_private_bytes(seed(b"kms env key")).public_key().public_bytes_raw()
    app_hex = seed(b"app id")[:20].hex()
    mod = sys.modules["dstack_sdk.verify_env_encrypt_public_key"]

    class Clock:
        @staticmethod
        def time():
            return NOW + 0.75

    mod.time = Clock

    def sign(message):
        sig = signer.sign_msg_hash(keccak(message))
        return sig.r, sig.s, sig.v

    def v1_msg(app, ts, key):
        return b"dstack-env-encrypt-pubkey:" + app + ts.to_bytes(8, "big") + key

    def legacy_msg(app, key):
        return b"dstack-env-encrypt-pubkey:" + app + key

    ts = NOW - 10
    r, s, v = sign(v1_msg(bytes.fromhex(app_hex), ts, pubkey))
    good = sig_bytes(r, s, v)
    high_s = sig_bytes(r, N - s, 1 - v)
    cases = []

    def add(name, signature, app_id, timestamp=None, key=pubkey, max_age=None, legacy=False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if legacy:
                got = dstack_sdk.verify_env_encrypt_public_key_legacy(key, signature, app_id)
            elif max_age is None:
                got = dstack_sdk.verify_env_encrypt_public_key(key, signature, app_id, timestamp)
            else:
                got = dstack_sdk.verify_env_encrypt_public_key(
                    key, signature, app_id, timestamp, max_age_seconds=max_age)
        case = {"name": name, "legacy": legacy, "public_key": key.hex(), "signature": signature.hex(),
                "app_id": app_id, "expected": got}
        if not legacy:
            case["timestamp"] = timestamp
        if max_age is not None:
            case["max_age_seconds"] = max_age
        cases.append(case)

    add("valid", good, app_hex, ts)
    add("valid_0x_app_id", good, "0x" + app_hex, ts)
    add("valid_upper_app_id", good, app_hex.upper(), ts)
    add("valid_app_id_with_spaces", good, " ".join(app_hex[i:i + 2] for i in range(0, 40, 2)), ts)
    add("high_s_same_signer", high_s, app_hex, ts)
    add("tampered_public_key", good, app_hex, ts, key=bytes([pubkey[0] ^ 1]) + pubkey[1:])
    add("wrong_app_id", good, app_hex[:-2] + "00", ts)
    add("wrong_timestamp", good, app_hex, ts + 1)
    add("flipped_recovery_id", sig_bytes(r, s, 1 - v), app_hex, ts)
    add("v_27", sig_bytes(r, s, 27 + v), app_hex, ts)
    add("v_2", sig_bytes(r, s, 2), app_hex, ts)
    add("short_64", good[:64], app_hex, ts)
    add("long_66", good + b"\x00", app_hex, ts)
    add("empty_signature", b"", app_hex, ts)
    add("r_zero", sig_bytes(0, s, v), app_hex, ts)
    add("s_zero", sig_bytes(r, 0, v), app_hex, ts)
    add("r_equals_n", sig_bytes(N, s, v), app_hex, ts)
    add("s_equals_n", sig_bytes(r, N, v), app_hex, ts)
    add("r_not_on_curve", sig_bytes(non_x_coordinate(), s, v), app_hex, ts)
    add("app_id_0X_prefix", good, "0X" + app_hex, ts)
    add("app_id_odd_length", good, app_hex[:-1], ts)
    add("app_id_not_hex", good, "zz" + app_hex[2:], ts)
    add("app_id_split_pair", good, app_hex[:1] + " " + app_hex[1:], ts)

    for offset, label in ((-300, "age_300_ok"), (-301, "age_301_expired"), (60, "future_60_ok"),
                          (61, "future_61_rejected"), (0, "age_0")):
        t = NOW + offset
        r2, s2, v2 = sign(v1_msg(bytes.fromhex(app_hex), t, pubkey))
        add(label, sig_bytes(r2, s2, v2), app_hex, t)
    t = NOW - 11
    r2, s2, v2 = sign(v1_msg(bytes.fromhex(app_hex), t, pubkey))
    add("max_age_10_expired", sig_bytes(r2, s2, v2), app_hex, t, max_age=10)
    add("max_age_11_ok", sig_bytes(r2, s2, v2), app_hex, t, max_age=11)

    r3, s3, v3 = sign(v1_msg(b"", ts, b""))
    add("empty_app_id_and_key", sig_bytes(r3, s3, v3), "", ts, key=b"")

    r4, s4, v4 = sign(legacy_msg(bytes.fromhex(app_hex), pubkey))
    legacy_good = sig_bytes(r4, s4, v4)
    add("legacy_valid", legacy_good, app_hex, legacy=True)
    add("legacy_valid_0x", legacy_good, "0x" + app_hex, legacy=True)
    add("legacy_high_s", sig_bytes(r4, N - s4, 1 - v4), app_hex, legacy=True)
    add("legacy_tampered_key", legacy_good, app_hex, key=pubkey[::-1], legacy=True)
    add("legacy_v1_signature", good, app_hex, legacy=True)
    add("legacy_short", legacy_good[:64], app_hex, legacy=True)
    add("legacy_bad_app_id", legacy_good, "0xg0", legacy=True)
    return {
        "now": NOW,
        "signer": "0x" + signer.public_key.to_compressed_bytes().hex(),
        "cases": cases,
    }


# ---------------------------------------------------------------- encryption

ENV_LISTS = [
    ("single", [("FOO", "bar")]),
    ("empty_list", []),
    ("empty_value", [("EMPTY", ""), ("", "empty key")]),
    ("unicode", [("GREETING", "héllo wörld 你好 🚀"), ("ÜNICODE_KEY", "✓"), ("NBSP", "\u00a0\u2028")]),
    ("escapes", [("JSON", "{\"a\": [1, \"b\\\\c\"]}"), ("CTRL", "nl\n cr\r tab\t nul\u0000 us\u001f del\u007f"),
                 ("HTML", "</script><!--&amp;"), ("EQ", "a=b=c")]),
    ("pem", [("TLS_KEY", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n")]),
    ("many", [(f"VAR_{i:02}", "x" * i) for i in range(40)]),
]


def encryption_cases():
    private = X25519PrivateKey.from_private_bytes(seed(b"env decrypt key x25519"))
    public_hex = private.public_key().public_bytes_raw().hex()
    cases = []
    for name, pairs in ENV_LISTS:
        envs = [dstack_sdk.EnvVar(key=k, value=v) for k, v in pairs]
        ciphertext = dstack_sdk.encrypt_env_vars_sync(envs, "0x" + public_hex if name == "single" else public_hex)
        raw = bytes.fromhex(ciphertext)
        shared = private.exchange(X25519PublicKey.from_public_bytes(raw[:32]))
        plaintext = AESGCM(shared).decrypt(raw[32:44], raw[44:], None)
        cases.append({
            "name": name,
            "env": [{"key": k, "value": v} for k, v in pairs],
            "plaintext": plaintext.decode("utf-8"),
            "ciphertext": ciphertext,
        })
    return {
        "private_key": private.private_bytes_raw().hex(),
        "public_key": public_hex,
        "cases": cases,
    }


# ---------------------------------------------------------------- parse_env

PARSE_INPUTS = [
    ("basic", "A=1\nB=2\n"),
    ("comments_and_blanks", "# comment\n\n   # indented comment\nA=1\n\n\nB=two words\n"),
    ("inline_comment_kept", "A=1 # not a comment\nB=x#y\n"),
    ("quotes_kept", "A=\"double\"\nB='single'\nC=\"unterminated\nD=\"a\" \"b\"\n"),
    ("export_prefix_kept", "export A=1\nexport\tB = 2\n"),
    ("spaces_around_equals", "  A  =  spaced value  \t\nB\t=\tc\n"),
    ("value_with_equals", "URL=postgres://u:p@h/db?x=1&y=2\nB==\n"),
    ("line_without_equals_skipped", "JUSTAKEY\nA=1\n  \t\nnot a pair\n"),
    ("empty_value_and_key", "EMPTY=\n=value\n=\n"),
    ("crlf", "A=1\r\nB=2\r\n\r\nC=3"),
    ("cr_only", "A=1\rB=2\r"),
    ("other_line_breaks", "A=1\x0bB=2\x0cC=3\x1cD=4\x1dE=5\x1eF=6\x85G=7\u2028H=8\u2029I=9"),
    ("unicode_whitespace_stripped", "\u00a0A=\u3000x\u2003\n\x1fB=y\x1f\n\ufeffC=bom not stripped\n"),
    ("unicode_values", "NAME=测试 🚀\nÜ=é\n"),
    ("duplicates_kept", "A=1\nA=2\nA=1\n"),
    ("hash_positions", "#A=1\nA#=2\n #B=3\nC=#4\n"),
    ("variables_not_expanded", "A=1\nB=${A}\nC=$A\n"),
    ("multiline_quoted_not_joined", "A=\"line1\nline2\"\nB=ok\n"),
    ("trailing_no_newline", "A=1\nB=2"),
    ("only_comments", "# a\n# b\n"),
    ("empty", ""),
]


def parse_cases():
    out = []
    for name, text in PARSE_INPUTS:
        case = {"name": name, "input": text, "expected": phala_cloud.parse_env_vars(text)}
        with tempfile.NamedTemporaryFile("wb", suffix=".env", delete=False) as f:
            f.write(text.encode("utf-8"))
        case["expected_from_file"] = phala_cloud.parse_env(f.name)
        pathlib.Path(f.name).unlink()
        out.append(case)
    return out


def main():
    compose = compose_cases()
    vectors = {
        "generated_by": "tests/data/env/make_vectors.py with phala-cloud 0.2.0 and dstack-sdk 0.5.4",
        "compose_hash": compose,
        "mr_config_id": mr_config_cases(compose[0]["hash"]),
        "kms_signatures": signature_cases(),
        "encryption": encryption_cases(),
        "parse_env": parse_cases(),
    }
    OUT.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
