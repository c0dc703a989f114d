//! Stage 3 nouns for an operation's responses: the keys of `responses`
//! (a status, a range, `default`), the error statuses with their bodies,
//! and what a success carries.

/// A key of an operation's `responses`: a status, a range of statuses
/// (`4XX`) or `default`. Ordered codes first, then ranges, then `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// One status (`404`).
    Code(u16),
    /// Every status of one class: `Range(4)` is `4XX`.
    Range(u8),
    /// `default`: any status the others do not name.
    Default,
}

impl StatusKey {
    /// Reads a response key: `404`, `4XX` (or `4xx`) for the classes 1 to
    /// 5, or `default`; `None` for anything else.
    pub fn parse(key: &str) -> Option<StatusKey> {
        let key = key.trim();
        if key == "default" {
            return Some(StatusKey::Default);
        }
        match key.as_bytes() {
            [class @ b'1'..=b'5', x, y]
                if x.eq_ignore_ascii_case(&b'X') && y.eq_ignore_ascii_case(&b'X') =>
            {
                Some(StatusKey::Range(class - b'0'))
            }
            _ => key
                .parse::<u16>()
                .ok()
                .filter(|code| (100..=599).contains(code))
                .map(StatusKey::Code),
        }
    }

    /// A 2xx code or `2XX`: a success whatever else the operation declares.
    pub fn is_success(self) -> bool {
        matches!(self, StatusKey::Code(200..=299) | StatusKey::Range(2))
    }

    /// The one status it names, for a code.
    pub fn code(self) -> Option<u16> {
        match self {
            StatusKey::Code(code) => Some(code),
            _ => None,
        }
    }
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Code(code) => write!(f, "{code}"),
            StatusKey::Range(class) => write!(f, "{class}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// A code is a number, as the snapshots from before ranges and `default`
/// were read hold it; a range or `default` is its key (`"4XX"`).
impl serde::Serialize for StatusKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            StatusKey::Code(code) => s.serialize_u16(*code),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for StatusKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Code(u16),
            Key(String),
        }
        let key = match Raw::deserialize(d)? {
            Raw::Code(code) => code.to_string(),
            Raw::Key(key) => key,
        };
        StatusKey::parse(&key)
            .ok_or_else(|| serde::de::Error::custom(format!("not a response key: {key:?}")))
    }
}

/// A declared error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorStatus {
    pub key: StatusKey,
    pub body: ErrorBody,
}

/// What a declared error response's body is, as its docs name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorBody {
    /// No body, or not JSON.
    None,
    /// JSON of the component with this Rust type name.
    Model(String),
    /// JSON of an inline schema (no type of its own).
    Json,
}

/// What a 2xx response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// No body.
    Empty,
    /// A JSON body; the component type name when the schema is a `$ref`.
    Json { component: Option<String> },
    /// Any other media type, returned as bytes.
    Bytes,
}
