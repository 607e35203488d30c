use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Messages per field, gathered while input is parsed into domain types.
///
/// Parsing collects every problem rather than stopping at the first, so a client sees all of
/// them at once. Field names are the request's JSON field names (nested ones dotted:
/// `vendor.slug`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(BTreeMap<String, Vec<String>>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// An error set holding one message for one field.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    /// Keeps the value of `result`, or records its error under `field` and returns `None`.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Moves every message of `other` under `prefix.` into this set.
    pub fn merge_prefixed(&mut self, prefix: &str, other: ValidationErrors) {
        for (field, messages) in other.0 {
            for message in messages {
                self.add(format!("{prefix}.{field}"), message);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.0.get(field).map(Vec::as_slice)
    }

    /// `Ok(())` when nothing was recorded, else the errors.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, messages) in &self.0 {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_records_errors_under_the_field_and_keeps_values() {
        let mut errors = ValidationErrors::new();
        assert_eq!(errors.check::<_, String>("a", Ok(3)), Some(3));
        assert_eq!(errors.check::<i32, _>("b", Err("too small")), None);
        assert_eq!(errors.get("b"), Some(&["too small".to_string()][..]));
        assert!(errors.get("a").is_none());
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn merge_prefixed_nests_field_names() {
        let mut outer = ValidationErrors::new();
        outer.merge_prefixed("vendor", ValidationErrors::single("slug", "taken"));
        assert_eq!(outer.get("vendor.slug"), Some(&["taken".to_string()][..]));
        assert_eq!(outer.to_string(), "vendor.slug: taken");
    }

    #[test]
    fn empty_errors_are_ok() {
        assert!(ValidationErrors::new().into_result().is_ok());
    }
}
