//! The response media types of an operation besides JSON, and how the
//! builder reads each (`send_text()`, `send_bytes()`, `send_events()`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ir::{Operation, Reading, StatusKey, Success};

/// Every success media type but `application/json`, sorted: of the 2xx
/// responses, or of `default` where there is no 2xx.
pub(crate) fn other_media(op: &Value) -> Vec<String> {
    let responses = op.get("responses").and_then(Value::as_object);
    let keys = || {
        responses
            .into_iter()
            .flatten()
            .filter_map(|(key, r)| Some((StatusKey::parse(key)?, r)))
    };
    let has_success = keys().any(|(k, _)| k.is_success());
    let media: BTreeSet<String> = keys()
        .filter(|(k, _)| k.is_success() || (*k == StatusKey::Default && !has_success))
        .filter_map(|(_, r)| r.get("content").and_then(Value::as_object))
        .flat_map(|content| content.keys().cloned())
        .filter(|m| m != "application/json")
        .collect();
    media.into_iter().collect()
}

impl Operation {
    /// Each way the builder reads another media type, with the `Accept`
    /// it sends (the types of that reading, comma-separated). Bytes are
    /// left out where `.await` already yields them.
    pub fn negotiated(&self) -> Vec<(Reading, String)> {
        let mut by_reading: BTreeMap<Reading, Vec<&str>> = BTreeMap::new();
        for media in &self.other_media {
            by_reading
                .entry(Reading::of(media))
                .or_default()
                .push(media);
        }
        by_reading
            .into_iter()
            .filter(|(r, _)| !(*r == Reading::Bytes && self.success == Success::Bytes))
            .map(|(r, media)| (r, media.join(", ")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_read_as_events_text_or_bytes() {
        assert_eq!(Reading::of("text/event-stream"), Reading::Events);
        assert_eq!(Reading::of("text/csv; charset=utf-8"), Reading::Text);
        assert_eq!(Reading::of("application/atom+xml"), Reading::Text);
        assert_eq!(Reading::of("application/pdf"), Reading::Bytes);
        assert_eq!(Reading::of("image/png"), Reading::Bytes);
    }
}
