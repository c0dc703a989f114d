//! The parameters the SDK encodes itself, because progenitor cannot or
//! not as the spec says: a cookie, a query or path parameter in a style
//! progenitor does not send (`ids=a,b`, `filter[status]=active`,
//! `;color=blue`), a header that is not one scalar, and a query or header
//! parameter that shares its name with a path parameter. Each is added to
//! the call's [`Extra`], which puts it on the request; the styles
//! themselves are [`crate::styles`].

use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::client::Extra;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::styles::{self, Style};

impl Extra {
    /// A query parameter, in its style.
    pub(crate) fn query(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &impl Serialize,
    ) -> Result<(), PhalaCloudError> {
        let value = json(name, value)?;
        self.query.extend(styles::query(name, style, explode, &value));
        Ok(())
    }

    /// A path parameter, in its style: the segment replaces the
    /// placeholder progenitor was given (`{name}`, which it encoded).
    pub(crate) fn path(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &impl Serialize,
    ) -> Result<(), PhalaCloudError> {
        let segment = styles::path(name, style, explode, &json(name, value)?);
        let placeholder = progenitor_client::encode_path(&format!("{{{name}}}"));
        self.path.push((placeholder, segment));
        Ok(())
    }

    /// A header parameter (`simple` style).
    pub(crate) fn header(
        &mut self,
        name: &str,
        explode: bool,
        value: &impl Serialize,
    ) -> Result<(), PhalaCloudError> {
        let Some(text) = styles::header(explode, &json(name, value)?) else {
            return Ok(());
        };
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(name, "is not a valid header name"))?;
        let value = HeaderValue::from_str(&text)
            .map_err(|_| invalid(name, "is not a valid header value"))?;
        self.headers.push((header, value));
        Ok(())
    }

    /// A cookie parameter (`form` style), with the bytes a cookie value
    /// cannot hold percent-encoded.
    pub(crate) fn cookie(
        &mut self,
        name: &str,
        explode: bool,
        value: &impl Serialize,
    ) -> Result<(), PhalaCloudError> {
        let value = json(name, value)?;
        self.cookies.extend(styles::cookie(name, explode, &value));
        Ok(())
    }

    /// Adds these parameters to a request built outside progenitor, the
    /// same way [`Extra::apply`] does for progenitor's requests.
    pub(crate) fn apply_to(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, PhalaCloudError> {
        let (client, built) = request.build_split();
        let mut built = built.map_err(|e| RequestError::new("invalid request", Some(Box::new(e))))?;
        self.apply(&mut built)
            .map_err(|message| RequestError::new(message, None))?;
        Ok(reqwest::RequestBuilder::from_parts(client, built))
    }
}

fn json(name: &str, value: &impl Serialize) -> Result<Value, PhalaCloudError> {
    serde_json::to_value(value).map_err(|e| invalid(name, &format!("cannot be encoded: {e}")))
}

fn invalid(name: &str, why: &str) -> PhalaCloudError {
    ValidationError::argument(name, why.to_owned()).into()
}
