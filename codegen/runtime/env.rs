//! Client-side helpers for deploying to Phala Cloud: dotenv parsing,
//! encryption of environment variables to a CVM's KMS key, app-compose
//! hashing, `mr_config_id`, and verification of the KMS's signature on the
//! env-encryption key.
//!
//! Every function here produces the same bytes as the Python SDK
//! (`phala-cloud` 0.2.0, which delegates to `dstack-sdk` 0.5.4): a compose
//! hash computed here matches the one the KMS and on-chain `AppAuth`
//! contracts expect, and a ciphertext produced here decrypts in the CVM
//! exactly as one from the Python SDK would (checked against vectors it
//! produced; compatibility with the JavaScript SDK is not tested).
//!
//! ```
//! use phala_cloud::env::{encrypt_env_vars, get_compose_hash, parse_env_vars, EnvVar};
//! # fn main() -> Result<(), phala_cloud::env::EnvError> {
//! let envs = parse_env_vars("# secrets\nAPI_KEY = s3cret\nDEBUG=1\n");
//! assert_eq!(envs[0], EnvVar::new("API_KEY", "s3cret"));
//! // The CVM's X25519 key, as the API returns it (`env_pubkey`).
//! let env_pubkey = "0x0900000000000000000000000000000000000000000000000000000000000000";
//! let encrypted_env = encrypt_env_vars(&envs, env_pubkey)?;
//! // Hex of ephemeral key (32) + nonce (12) + the 80-byte JSON + tag (16).
//! assert_eq!(encrypted_env.len(), 2 * (32 + 12 + 80 + 16));
//!
//! let compose = serde_json::json!({"runner": "docker-compose", "docker_compose_file": "services: {}"});
//! assert_eq!(get_compose_hash(&compose)?.len(), 64);
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sha3::Keccak256;
use x25519_dalek::{EphemeralSecret, PublicKey, StaticSecret};

/// Why an env helper refused its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A hex argument was not hex (after an optional lowercase `0x`).
    #[error("{what} is not valid hex")]
    InvalidHex {
        /// Which argument.
        what: &'static str,
    },
    /// A decoded argument had the wrong number of bytes.
    #[error("{what} must be {expected} bytes, got {actual}")]
    InvalidLength {
        /// Which argument.
        what: &'static str,
        /// The length the format requires (a minimum for ciphertexts).
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// The X25519 exchange gave the all-zero secret: the public key is a
    /// low-order point, so the ciphertext would not be secret.
    #[error("the X25519 public key is a low-order point")]
    WeakPublicKey,
    /// AES-GCM refused to seal the payload.
    #[error("AES-GCM encryption failed")]
    Encrypt,
    /// The ciphertext was not sealed for this private key, or was altered.
    #[error("AES-GCM decryption failed: wrong key or corrupted ciphertext")]
    Decrypt,
    /// JSON could not be converted or the decrypted payload was malformed.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The app compose is one the Python SDK refuses to hash.
    #[error("invalid app compose: {0}")]
    InvalidCompose(String),
    /// A key provider name other than `none`, `local`, `kms` or `tpm`.
    #[error("unknown key provider kind {0:?}")]
    UnknownKeyProvider(String),
    /// The env file could not be read as UTF-8 text.
    #[error("cannot read env file: {0}")]
    Io(#[from] std::io::Error),
    /// [`parse_dotenv`] met a line dotenv syntax does not allow.
    #[error("invalid dotenv input: {0}")]
    Dotenv(#[from] dotenvy::Error),
}

/// One environment variable, serialized as `{"key": ..., "value": ...}` like
/// the SDKs' env lists and the encrypted payload. Its `Debug` shows the key
/// and the value's length, never the value: these are a CVM's secrets.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnvVar {
    /// The variable's name.
    pub key: String,
    /// The variable's value.
    pub value: String,
}

impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvVar")
            .field("key", &self.key)
            .field("value", &format_args!("<{} bytes>", self.value.len()))
            .finish()
    }
}

impl EnvVar {
    /// A variable from anything string-like.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

// ------------------------------------------------------------------ parsing

/// Python's `str.splitlines` boundaries; `\r\n` splits twice, which only adds
/// an empty line that is skipped anyway.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n'..='\r' | '\x1c'..='\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Python's `str.strip` set: Unicode White_Space plus the four ASCII
/// separators U+001C..U+001F that Python also calls whitespace.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

/// Parses `KEY=VALUE` lines the way the Python SDK's `parse_env_vars` does,
/// which is deliberately not full dotenv: each line is trimmed, blank lines,
/// lines starting with `#` and lines without `=` are skipped, and the line
/// splits at its first `=` with both sides trimmed. Quotes, `export`,
/// trailing `# ...` and `$VAR` are kept literally, and duplicates stay in
/// order, so the CVM sees byte for byte what a Python deployment would send.
/// Use [`parse_dotenv`] for shell-style quoting and substitution instead.
pub fn parse_env_vars(text: &str) -> Vec<EnvVar> {
    text.split(is_line_break)
        .map(|line| line.trim_matches(is_py_space))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| {
            EnvVar::new(
                key.trim_matches(is_py_space),
                value.trim_matches(is_py_space),
            )
        })
        .collect()
}

/// Reads a UTF-8 env file and parses it with [`parse_env_vars`]; a leading
/// BOM is kept as part of the first key, as in Python.
pub fn parse_env(path: impl AsRef<Path>) -> Result<Vec<EnvVar>, EnvError> {
    Ok(parse_env_vars(&std::fs::read_to_string(path)?))
}

/// Parses full dotenv syntax with `dotenvy`: quotes are removed, escapes and
/// `export` are understood, and `$VAR` is substituted from earlier lines or
/// the process environment. This is not what the Python SDK does (see
/// [`parse_env_vars`]); choose it when the file was written for docker/dotenv.
pub fn parse_dotenv(text: &str) -> Result<Vec<EnvVar>, EnvError> {
    dotenvy::from_read_iter(text.as_bytes())
        .map(|item| Ok(item.map(|(key, value)| EnvVar { key, value })?))
        .collect()
}

// ------------------------------------------------------------------ hex

/// Decodes hex as the SDKs do: an optional lowercase `0x`, either case of
/// digits, and ASCII whitespace allowed between (never inside) byte pairs,
/// which is Python's `bytes.fromhex`.
pub fn decode_hex(text: &str) -> Result<Vec<u8>, EnvError> {
    decode_hex_for(text, "hex string")
}

fn decode_hex_for(text: &str, what: &'static str) -> Result<Vec<u8>, EnvError> {
    let text = text.strip_prefix("0x").unwrap_or(text).as_bytes();
    let digit = |b: Option<&u8>| {
        b.and_then(|b| (*b as char).to_digit(16))
            .ok_or(EnvError::InvalidHex { what })
    };
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut i = 0;
    while i < text.len() {
        if matches!(text[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            i += 1;
            continue;
        }
        let (hi, lo) = (digit(text.get(i))?, digit(text.get(i + 1))?);
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    Ok(out)
}

fn decode_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], EnvError> {
    let bytes = decode_hex_for(text, what)?;
    let actual = bytes.len();
    bytes.try_into().map_err(|_| EnvError::InvalidLength {
        what,
        expected: N,
        actual,
    })
}

// ------------------------------------------------------------------ encryption

const X25519_KEY_LEN: usize = 32;
const GCM_NONCE_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;

/// The plaintext the SDKs encrypt: Python's default `json.dumps` of
/// `{"env": [{"key": ..., "value": ...}]}`, with `", "`/`": "` separators and
/// every non-ASCII character escaped as `\uXXXX`.
pub fn env_vars_json(envs: &[EnvVar]) -> String {
    let mut out = String::from("{\"env\": [");
    for (i, env) in envs.iter().enumerate() {
        out.push_str(if i == 0 { "{\"key\": " } else { ", {\"key\": " });
        push_json_string(&mut out, &env.key, true);
        out.push_str(", \"value\": ");
        push_json_string(&mut out, &env.value, true);
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// Encrypts `envs` to a CVM's env-encryption key (hex, `0x` optional) the way
/// dstack-sdk does: a fresh X25519 key pair, the raw shared secret as the
/// AES-256-GCM key, and a random 12-byte nonce. Returns lowercase hex, without
/// `0x`, of `ephemeral public key (32) || nonce (12) || ciphertext || tag (16)`.
pub fn encrypt_env_vars(envs: &[EnvVar], public_key_hex: &str) -> Result<String, EnvError> {
    let remote: [u8; X25519_KEY_LEN] = decode_array(public_key_hex, "public key")?;
    let secret = EphemeralSecret::random_from_rng(OsRng);
    let ephemeral = PublicKey::from(&secret);
    let shared = secret.diffie_hellman(&PublicKey::from(remote));
    if !shared.was_contributory() {
        return Err(EnvError::WeakPublicKey);
    }
    let cipher = Aes256Gcm::new(shared.as_bytes().into());
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, env_vars_json(envs).as_bytes())
        .map_err(|_| EnvError::Encrypt)?;
    let mut out = Vec::with_capacity(X25519_KEY_LEN + GCM_NONCE_LEN + sealed.len());
    out.extend_from_slice(ephemeral.as_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(hex::encode(out))
}

/// Opens what [`encrypt_env_vars`] (or either SDK) produced, given the raw
/// 32-byte X25519 private key the ciphertext was sealed to. The CVM does this
/// with its KMS-derived key; it is public here for holders of a local key
/// and for round-trip tests.
pub fn decrypt_env_vars(
    ciphertext_hex: &str,
    private_key: &[u8; 32],
) -> Result<Vec<EnvVar>, EnvError> {
    #[derive(Deserialize)]
    struct Payload {
        env: Vec<EnvVar>,
    }
    let bytes = decode_hex_for(ciphertext_hex, "ciphertext")?;
    let min = X25519_KEY_LEN + GCM_NONCE_LEN + GCM_TAG_LEN;
    if bytes.len() < min {
        return Err(EnvError::InvalidLength {
            what: "ciphertext",
            expected: min,
            actual: bytes.len(),
        });
    }
    let (ephemeral, rest) = bytes.split_at(X25519_KEY_LEN);
    let (nonce, sealed) = rest.split_at(GCM_NONCE_LEN);
    let mut ephemeral_key = [0; X25519_KEY_LEN];
    ephemeral_key.copy_from_slice(ephemeral);
    let shared = StaticSecret::from(*private_key).diffie_hellman(&PublicKey::from(ephemeral_key));
    if !shared.was_contributory() {
        return Err(EnvError::WeakPublicKey);
    }
    let plaintext = Aes256Gcm::new(shared.as_bytes().into())
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map_err(|_| EnvError::Decrypt)?;
    Ok(serde_json::from_slice::<Payload>(&plaintext)?.env)
}

// ------------------------------------------------------------------ compose hash

/// The SHA-256 (lowercase hex) of an app compose as dstack-sdk hashes it: see
/// [`dump_app_compose`] for the exact bytes. Accepts a `serde_json::Value` or
/// any typed compose that serializes to a JSON object.
pub fn get_compose_hash<T: Serialize + ?Sized>(app_compose: &T) -> Result<String, EnvError> {
    dump_app_compose(app_compose, false).map(|json| hex::encode(Sha256::digest(json)))
}

/// [`get_compose_hash`] after dstack-sdk's normalization (`normalize=True`):
/// a `bash` runner drops `docker_compose_file`, a `docker-compose` runner
/// drops `bash_script`, and a falsy `pre_launch_script` is dropped.
pub fn get_compose_hash_normalized<T: Serialize + ?Sized>(
    app_compose: &T,
) -> Result<String, EnvError> {
    dump_app_compose(app_compose, true).map(|json| hex::encode(Sha256::digest(json)))
}

/// The canonical JSON that the compose hash covers, reproducing dstack-sdk's
/// `AppCompose.from_dict(...).to_dict()` round trip and `json.dumps(...,
/// separators=(",", ":"), ensure_ascii=False)`:
///
/// - `runner` is required and becomes a string (Python `str()`, so `5` → `"5"`);
/// - top-level `null`s and keys starting with `_` are dropped (nested `null`s stay);
/// - `docker_config` keeps only non-null `registry`/`username`/`token_key`;
///   any other key in it is refused, as Python raises there;
/// - keys are sorted by code point at every depth, with no whitespace;
/// - non-ASCII is written raw (UTF-8), control characters as `\n`-style or
///   `\u00XX` escapes;
/// - floats are written as Python's `repr` (`1.0`, `1e-07`, `1e+16`).
///
/// One deliberate difference: Python raises `TypeError` for
/// `"docker_config": null`; here it is dropped like any other top-level null,
/// so a typed compose with an unset optional field still hashes.
pub fn dump_app_compose<T: Serialize + ?Sized>(
    app_compose: &T,
    normalize: bool,
) -> Result<String, EnvError> {
    let mut fields = python_fields(serde_json::to_value(app_compose)?)?;
    if normalize {
        match fields.get("runner").and_then(Value::as_str) {
            Some("bash") => drop(fields.remove("docker_compose_file")),
            Some("docker-compose") => drop(fields.remove("bash_script")),
            _ => {}
        }
        if fields.get("pre_launch_script").is_some_and(is_python_falsy) {
            fields.remove("pre_launch_script");
        }
    }
    let mut out = String::new();
    write_object(&mut out, fields.iter());
    Ok(out)
}

/// What survives Python's `AppCompose.from_dict(data).to_dict()`; the
/// `BTreeMap` orders keys by code point, as Python's `sorted` does.
fn python_fields(value: Value) -> Result<BTreeMap<String, Value>, EnvError> {
    let Value::Object(map) = value else {
        return Err(invalid_compose("an app compose must be a JSON object"));
    };
    let mut out = BTreeMap::new();
    for (key, value) in map {
        match key.as_str() {
            "runner" => {
                let runner = python_str(&value)?;
                out.insert(key, Value::String(runner));
            }
            // Python's constructor takes `self`, and an instance attribute
            // `to_dict` shadows the method it then calls: both raise there.
            "self" | "to_dict" => {
                return Err(invalid_compose(format!("a field cannot be named {key:?}")))
            }
            "docker_config" if !value.is_null() => {
                let config = docker_config(value)?;
                out.insert(key, config);
            }
            _ if value.is_null() || key.starts_with('_') => {}
            _ => {
                out.insert(key, value);
            }
        }
    }
    if !out.contains_key("runner") {
        return Err(invalid_compose("the `runner` field is required"));
    }
    Ok(out)
}

fn invalid_compose(why: impl Into<String>) -> EnvError {
    EnvError::InvalidCompose(why.into())
}

fn docker_config(value: Value) -> Result<Value, EnvError> {
    let Value::Object(map) = value else {
        return Err(invalid_compose("`docker_config` must be an object"));
    };
    let mut out = Map::new();
    for (key, value) in map {
        if !matches!(key.as_str(), "registry" | "username" | "token_key") {
            return Err(invalid_compose(format!(
                "`docker_config` has no field {key:?}"
            )));
        }
        if !value.is_null() {
            out.insert(key, value);
        }
    }
    Ok(Value::Object(out))
}

/// Python's `str()` of a JSON scalar, which is how the SDK coerces `runner`.
fn python_str(value: &Value) -> Result<String, EnvError> {
    Ok(match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            let mut out = String::new();
            write_number(&mut out, n);
            out
        }
        _ => return Err(invalid_compose("`runner` must be a string")),
    })
}

fn is_python_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

fn write_object<'a>(out: &mut String, entries: impl Iterator<Item = (&'a String, &'a Value)>) {
    out.push('{');
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, key, false);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => push_json_string(out, s, false),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sorted here, not by the map: serde_json's `preserve_order`
            // feature may be on anywhere in the dependency graph.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            write_object(out, entries.into_iter());
        }
    }
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else {
        // With serde_json's `arbitrary_precision`, integers beyond 64 bits
        // keep their digits, and Python prints them exactly too.
        // Python writes a non-finite float (only reachable that way too) as null.
        let text = n.to_string();
        let digits = text.strip_prefix('-').unwrap_or(&text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&text);
        } else {
            match n.as_f64() {
                Some(f) if f.is_finite() => out.push_str(&python_float_repr(f)),
                _ => out.push_str("null"),
            }
        }
    }
}

/// Python's `repr(float)`: the shortest round-trip digits (Rust's `{:e}`
/// finds the same ones), positional when the decimal exponent is in
/// `-4..16`, else `d.ddde±XX` with at least two exponent digits.
fn python_float_repr(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let point = exp + 1;
    let mut out = String::from(if f < 0.0 { "-" } else { "" });
    if !(-3..=16).contains(&point) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    } else if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.push_str(&"0".repeat(point as usize - digits.len()));
        out.push_str(".0");
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// A JSON string as Python's `json.dumps` writes it; `ascii_only` is its
/// `ensure_ascii`, escaping everything outside `' '..='~'` as UTF-16 units.
fn push_json_string(out: &mut String, s: &str, ascii_only: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' || (ascii_only && c > '~') => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ------------------------------------------------------------------ KMS signature

/// How old a `signature_v1` timestamp may be, in seconds, unless the caller
/// says otherwise (the SDKs' default).
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 300;
/// How far in the future a timestamp may be, for clock skew.
const FUTURE_SKEW_SECONDS: i128 = 60;
const PUBKEY_SIGNATURE_DOMAIN: &[u8] = b"dstack-env-encrypt-pubkey:";

/// Checks the KMS's `signature_v1` over an env-encryption public key and
/// returns the signer's compressed secp256k1 key as `0x`-prefixed hex, to be
/// compared with the KMS key the caller trusts. The signed message is
/// `keccak256("dstack-env-encrypt-pubkey:" || app_id || timestamp as u64 BE
/// || public_key)` and the signature is `r || s || v` with `v` in {0, 1}.
/// `None` when the signature is not 65 bytes or cannot be recovered, the
/// app id is not hex, or the timestamp is more than
/// [`DEFAULT_MAX_AGE_SECONDS`] old or 60 s in the future. A signature over
/// different data recovers a different key rather than `None`.
pub fn verify_env_encrypt_public_key(
    public_key: &[u8],
    signature: &[u8],
    app_id: &str,
    timestamp: u64,
) -> Option<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    verify_env_encrypt_public_key_at(
        public_key,
        signature,
        app_id,
        timestamp,
        now,
        DEFAULT_MAX_AGE_SECONDS,
    )
}

/// [`verify_env_encrypt_public_key`] against an explicit clock (`now`, Unix
/// seconds) and maximum age, for callers with their own time source.
pub fn verify_env_encrypt_public_key_at(
    public_key: &[u8],
    signature: &[u8],
    app_id: &str,
    timestamp: u64,
    now: u64,
    max_age_seconds: u64,
) -> Option<String> {
    let age = i128::from(now) - i128::from(timestamp);
    if signature.len() != 65 || age < -FUTURE_SKEW_SECONDS || age > i128::from(max_age_seconds) {
        return None;
    }
    let app_id = decode_hex(app_id).ok()?;
    let message = [
        PUBKEY_SIGNATURE_DOMAIN,
        &app_id,
        &timestamp.to_be_bytes(),
        public_key,
    ]
    .concat();
    recover_signer(&message, signature)
}

/// The legacy `signature` field, which signs no timestamp and so can be
/// replayed; prefer [`verify_env_encrypt_public_key`] whenever the KMS
/// returns `signature_v1`. Message: `keccak256("dstack-env-encrypt-pubkey:"
/// || app_id || public_key)`.
pub fn verify_env_encrypt_public_key_legacy(
    public_key: &[u8],
    signature: &[u8],
    app_id: &str,
) -> Option<String> {
    if signature.len() != 65 {
        return None;
    }
    let app_id = decode_hex(app_id).ok()?;
    recover_signer(
        &[PUBKEY_SIGNATURE_DOMAIN, &app_id, public_key].concat(),
        signature,
    )
}

fn recover_signer(message: &[u8], signature: &[u8]) -> Option<String> {
    let (rs, v) = (&signature[..64], signature[64]);
    if v > 1 {
        return None;
    }
    let signature = Signature::from_slice(rs).ok()?;
    // The SDKs accept high-s signatures; k256 verifies only low-s, so negate
    // s and flip the y parity, which recovers the same key.
    let (signature, flipped) = match signature.normalize_s() {
        Some(low) => (low, true),
        None => (signature, false),
    };
    let recovery_id = RecoveryId::new((v == 1) != flipped, false);
    let key =
        VerifyingKey::recover_from_prehash(&Keccak256::digest(message), &signature, recovery_id)
            .ok()?;
    Some(format!(
        "0x{}",
        hex::encode(key.to_encoded_point(true).as_bytes())
    ))
}

// ------------------------------------------------------------------ mr_config_id

/// Which key provider a CVM uses; the discriminant is the byte `mr_config_id`
/// V2 hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyProviderKind {
    /// No key provider.
    None = 0,
    /// A local (SGX) key provider.
    Local = 1,
    /// The KMS.
    Kms = 2,
    /// A TPM.
    Tpm = 3,
}

impl FromStr for KeyProviderKind {
    type Err = EnvError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Self::None),
            "local" => Ok(Self::Local),
            "kms" => Ok(Self::Kms),
            "tpm" => Ok(Self::Tpm),
            _ => Err(EnvError::UnknownKeyProvider(s.into())),
        }
    }
}

/// `mr_config_id` V2 (48 bytes): `0x02 || keccak256(compose_hash || app_id ||
/// provider byte || key_provider_id) || 15 zero bytes`. Expects a 32-byte
/// compose hash and 20-byte app id but, like the SDK, hashes what it is given.
pub fn get_mr_config_id(
    compose_hash: &[u8],
    app_id: &[u8],
    key_provider: KeyProviderKind,
    key_provider_id: &[u8],
) -> [u8; 48] {
    let digest = Keccak256::new()
        .chain_update(compose_hash)
        .chain_update(app_id)
        .chain_update([key_provider as u8])
        .chain_update(key_provider_id)
        .finalize();
    let mut id = [0; 48];
    id[0] = 2;
    id[1..33].copy_from_slice(&digest);
    id
}

/// `mr_config_id` V1 (48 bytes): `0x01 || compose_hash || 15 zero bytes`.
pub fn get_mr_config_id_v1(compose_hash: &[u8; 32]) -> [u8; 48] {
    let mut id = [0; 48];
    id[0] = 1;
    id[1..33].copy_from_slice(compose_hash);
    id
}

/// [`get_mr_config_id`] over hex arguments (`0x` optional, an empty
/// `key_provider_id_hex` meaning no bytes), returning `0x`-prefixed hex.
pub fn get_mr_config_id_hex(
    compose_hash_hex: &str,
    app_id_hex: &str,
    key_provider: KeyProviderKind,
    key_provider_id_hex: &str,
) -> Result<String, EnvError> {
    let id = get_mr_config_id(
        &decode_hex_for(compose_hash_hex, "compose hash")?,
        &decode_hex_for(app_id_hex, "app id")?,
        key_provider,
        &decode_hex_for(key_provider_id_hex, "key provider id")?,
    );
    Ok(format!("0x{}", hex::encode(id)))
}

/// Whether `mr_config_id_hex` (from a quote) is the V2 id of these inputs,
/// ignoring case; fails only when an input is not hex.
pub fn verify_mr_config_id(
    mr_config_id_hex: &str,
    compose_hash_hex: &str,
    app_id_hex: &str,
    key_provider: KeyProviderKind,
    key_provider_id_hex: &str,
) -> Result<bool, EnvError> {
    let expected = get_mr_config_id_hex(
        compose_hash_hex,
        app_id_hex,
        key_provider,
        key_provider_id_hex,
    )?;
    Ok(expected.eq_ignore_ascii_case(mr_config_id_hex))
}
