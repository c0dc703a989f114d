//! The env helpers against what the Python SDKs (phala-cloud 0.2.0,
//! dstack-sdk 0.5.4) computed for the same inputs: tests/data/env/vectors.json,
//! written by tests/data/env/make_vectors.py.

use phala_cloud::env::{
    decode_hex, decrypt_env_vars, dump_app_compose, encrypt_env_vars, env_vars_json,
    get_compose_hash, get_compose_hash_normalized, get_mr_config_id, get_mr_config_id_hex,
    get_mr_config_id_v1, parse_dotenv, parse_env, parse_env_vars, verify_env_encrypt_public_key_at,
    verify_env_encrypt_public_key_legacy, verify_mr_config_id, EnvError, EnvVar, KeyProviderKind,
    DEFAULT_MAX_AGE_SECONDS,
};
use serde_json::{json, Value};

const VECTORS: &str = include_str!("../data/env/vectors.json");
const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/env");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("vectors.json is JSON")
}

fn text(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn env_list(v: &Value) -> Vec<EnvVar> {
    serde_json::from_value(v.clone()).expect("an env list")
}

fn private_key(v: &Value) -> [u8; 32] {
    decode_hex(text(&v["encryption"]["private_key"]))
        .unwrap()
        .try_into()
        .unwrap()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn compose_hashes_match_python() {
    let v = vectors();
    let cases = v["compose_hash"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = text(&case["name"]);
        let normalize = case["normalize"].as_bool().unwrap();
        let hash = if normalize {
            get_compose_hash_normalized(&case["compose"])
        } else {
            get_compose_hash(&case["compose"])
        };
        if let Some(rust_hash) = case.get("rust_hash") {
            assert_eq!(
                hash.unwrap(),
                text(rust_hash),
                "{name}: null docker_config is dropped"
            );
        } else if case.get("python_error").is_some() {
            assert!(
                matches!(hash, Err(EnvError::InvalidCompose(_))),
                "{name}: Python refuses it, got {hash:?}"
            );
        } else {
            let dumped = dump_app_compose(&case["compose"], normalize).unwrap();
            assert_eq!(dumped, text(&case["canonical"]), "{name}: canonical JSON");
            assert_eq!(hash.unwrap(), text(&case["hash"]), "{name}: hash");
        }
    }
}

#[test]
fn typed_compose_hashes_like_its_json() {
    #[derive(serde::Serialize)]
    struct Compose {
        runner: String,
        name: Option<String>,
        docker_config: Option<Value>,
        kms_enabled: Option<bool>,
    }
    let v = vectors();
    let minimal = v["compose_hash"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "minimal")
        .unwrap();
    let typed = Compose {
        runner: "docker-compose".into(),
        name: None,
        docker_config: None,
        kms_enabled: None,
    };
    assert_eq!(get_compose_hash(&typed).unwrap(), text(&minimal["hash"]));
    assert!(matches!(
        get_compose_hash(&json!(["runner"])),
        Err(EnvError::InvalidCompose(_))
    ));
}

#[test]
fn mr_config_ids_match_python() {
    let v = vectors();
    for case in v["mr_config_id"]["v2"].as_array().unwrap() {
        let kind: KeyProviderKind = text(&case["key_provider"]).parse().unwrap();
        let (compose, app, kp_id) = (
            text(&case["compose_hash"]),
            text(&case["app_id"]),
            text(&case["key_provider_id"]),
        );
        let expected = text(&case["mr_config_id"]);
        assert_eq!(
            get_mr_config_id_hex(compose, app, kind, kp_id).unwrap(),
            expected,
            "{case}"
        );
        let bytes = get_mr_config_id(
            &decode_hex(compose).unwrap(),
            &decode_hex(app).unwrap(),
            kind,
            &decode_hex(kp_id).unwrap(),
        );
        assert_eq!(format!("0x{}", to_hex(&bytes)), expected);
        let upper = format!("0x{}", expected[2..].to_uppercase());
        assert_eq!(
            verify_mr_config_id(&upper, compose, app, kind, kp_id).unwrap(),
            case["verify_same_upper"].as_bool().unwrap()
        );
        let other = if kind == KeyProviderKind::None {
            KeyProviderKind::Kms
        } else {
            KeyProviderKind::None
        };
        assert_eq!(
            verify_mr_config_id(expected, compose, app, other, kp_id).unwrap(),
            case["verify_other_kind"].as_bool().unwrap()
        );
    }
    for case in v["mr_config_id"]["v1"].as_array().unwrap() {
        let hash: [u8; 32] = decode_hex(text(&case["compose_hash"]))
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            to_hex(&get_mr_config_id_v1(&hash)),
            text(&case["mr_config_id"])
        );
    }
    assert!(matches!(
        "sgx".parse::<KeyProviderKind>(),
        Err(EnvError::UnknownKeyProvider(_))
    ));
    assert!(matches!(
        get_mr_config_id_hex("zz", "", KeyProviderKind::Kms, ""),
        Err(EnvError::InvalidHex { .. })
    ));
}

#[test]
fn kms_signatures_are_judged_like_python() {
    let v = vectors();
    let sigs = &v["kms_signatures"];
    let now = sigs["now"].as_u64().unwrap();
    let mut accepted = 0;
    for case in sigs["cases"].as_array().unwrap() {
        let name = text(&case["name"]);
        let key = decode_hex(text(&case["public_key"])).unwrap();
        let signature = decode_hex(text(&case["signature"])).unwrap();
        let app_id = text(&case["app_id"]);
        let got = if case["legacy"].as_bool().unwrap() {
            verify_env_encrypt_public_key_legacy(&key, &signature, app_id)
        } else {
            let max_age = case
                .get("max_age_seconds")
                .map_or(DEFAULT_MAX_AGE_SECONDS, |m| m.as_u64().unwrap());
            verify_env_encrypt_public_key_at(
                &key,
                &signature,
                app_id,
                case["timestamp"].as_u64().unwrap(),
                now,
                max_age,
            )
        };
        assert_eq!(got.as_deref(), case["expected"].as_str(), "{name}");
        accepted += usize::from(got.as_deref() == sigs["signer"].as_str());
    }
    assert!(accepted >= 10, "the valid cases recover the signer");
}

#[test]
fn python_ciphertexts_decrypt() {
    let v = vectors();
    let key = private_key(&v);
    for case in v["encryption"]["cases"].as_array().unwrap() {
        let name = text(&case["name"]);
        let envs = env_list(&case["env"]);
        assert_eq!(
            decrypt_env_vars(text(&case["ciphertext"]), &key).unwrap(),
            envs,
            "{name}"
        );
        assert_eq!(
            env_vars_json(&envs),
            text(&case["plaintext"]),
            "{name}: plaintext layout"
        );
    }
}

#[test]
fn rust_ciphertexts_round_trip() {
    let v = vectors();
    let key = private_key(&v);
    let public = text(&v["encryption"]["public_key"]);
    for case in v["encryption"]["cases"].as_array().unwrap() {
        let envs = env_list(&case["env"]);
        for public in [public.to_string(), format!("0x{public}")] {
            let sealed = encrypt_env_vars(&envs, &public).unwrap();
            assert!(
                sealed
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "bare lowercase hex"
            );
            assert_eq!(
                sealed.len(),
                2 * (32 + 12 + env_vars_json(&envs).len() + 16)
            );
            assert_eq!(decrypt_env_vars(&sealed, &key).unwrap(), envs);
        }
    }
    let sealed = encrypt_env_vars(&[EnvVar::new("A", "b")], public).unwrap();
    let mut tampered = sealed.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    assert!(matches!(
        decrypt_env_vars(std::str::from_utf8(&tampered).unwrap(), &key),
        Err(EnvError::Decrypt)
    ));
    assert!(matches!(
        decrypt_env_vars(&sealed, &[7; 32]),
        Err(EnvError::Decrypt)
    ));
    assert!(matches!(
        decrypt_env_vars(&sealed[..100], &key),
        Err(EnvError::InvalidLength { .. })
    ));
    assert!(matches!(
        encrypt_env_vars(&[], &public[2..]),
        Err(EnvError::InvalidLength { .. })
    ));
    assert!(matches!(
        encrypt_env_vars(&[], "0X00"),
        Err(EnvError::InvalidHex { .. })
    ));
    assert!(matches!(
        encrypt_env_vars(&[], &"00".repeat(32)),
        Err(EnvError::WeakPublicKey)
    ));
}

#[test]
fn parse_cases_match_python() {
    let v = vectors();
    for case in v["parse_env"].as_array().unwrap() {
        let name = text(&case["name"]);
        let input = text(&case["input"]);
        assert_eq!(parse_env_vars(input), env_list(&case["expected"]), "{name}");
        let path =
            std::env::temp_dir().join(format!("phala-env-{}-{name}.env", std::process::id()));
        std::fs::write(&path, input).unwrap();
        let from_file = parse_env(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            from_file.unwrap(),
            env_list(&case["expected_from_file"]),
            "{name}: from a file"
        );
    }
    assert!(matches!(
        parse_env("/nonexistent/phala.env"),
        Err(EnvError::Io(_))
    ));
}

#[test]
fn dotenv_parsing_unquotes_and_substitutes() {
    let parsed = parse_dotenv("# c\nexport A=\"x y\"\nB='$A'\nC=${A}z # note\n").unwrap();
    let expected = [
        EnvVar::new("A", "x y"),
        EnvVar::new("B", "$A"),
        EnvVar::new("C", "x yz"),
    ];
    assert_eq!(parsed, expected);
    assert!(matches!(
        parse_dotenv("not a pair\n"),
        Err(EnvError::Dotenv(_))
    ));
}

#[test]
fn env_var_serializes_with_sdk_field_names() {
    let var = EnvVar::new("K", "v");
    assert_eq!(
        serde_json::to_value(&var).unwrap(),
        json!({"key": "K", "value": "v"})
    );
    assert_eq!(env_vars_json(&[]), r#"{"env": []}"#);
}

/// Writes rust_ciphertexts.json for tests/data/env/decrypt_rust.py:
/// `cargo test --test env_vectors -- --ignored write_rust_ciphertexts`.
#[test]
#[ignore = "writes test data"]
fn write_rust_ciphertexts() {
    let v = vectors();
    let public = text(&v["encryption"]["public_key"]);
    let cases: Vec<Value> = v["encryption"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let ciphertext = encrypt_env_vars(&env_list(&case["env"]), public).unwrap();
            json!({"name": case["name"], "env": case["env"], "ciphertext": ciphertext})
        })
        .collect();
    let out = json!({"public_key": public, "cases": cases});
    let path = format!("{DATA_DIR}/rust_ciphertexts.json");
    std::fs::write(path, serde_json::to_string_pretty(&out).unwrap() + "\n").unwrap();
}

#[test]
fn debug_output_keeps_env_values_secret() {
    let var = EnvVar::new("API_TOKEN", "s3cr3t-value");
    let shown = format!("{var:?} {:?}", vec![var.clone()]);
    assert!(
        shown.contains("API_TOKEN") && shown.contains("<12 bytes>"),
        "{shown}"
    );
    assert!(!shown.contains("s3cr3t"), "{shown}");
}
