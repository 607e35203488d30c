//! The one place that judges the characters of what a client sends: every query parameter,
//! path, JSON body string and form field goes through [`check_text`] before anything reads it.
//!
//! Control characters are refused (PostgreSQL refuses NUL in text, so letting one through
//! would be a 500 on one backend and a stored value on the other). Free text (descriptions,
//! notes, reasons, alt texts) may hold line breaks and tabs; nothing else may.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use domain_core::ValidationErrors;
use serde_json::Value;

use crate::error::ApiError;

/// JSON body fields whose strings are free text: line breaks and tabs are allowed in them,
/// and in any string inside them (the free-form `attributes` object).
pub const FREE_TEXT_FIELDS: &[&str] = &[
    "attributes",
    "description",
    "meeting_point",
    "notes",
    "reason",
    "alt_text",
    "emergency_contact",
];

/// What a string may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: no control character at all.
    Line,
    /// Free text: tab, line feed and carriage return are allowed.
    FreeText,
}

pub const CONTROL_CHARACTERS: &str = "must not contain control characters";

/// Whether `value` is acceptable as `kind`.
pub fn check_text(value: &str, kind: TextKind) -> Result<(), &'static str> {
    let allowed = |c: char| kind == TextKind::FreeText && matches!(c, '\t' | '\n' | '\r');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        Err(CONTROL_CHARACTERS)
    } else {
        Ok(())
    }
}

/// Every string (and key) of a JSON body, each judged by the field it belongs to; the
/// problems name the fields as `a.b[2].c`.
pub fn check_json(value: &Value) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    walk(value, "", TextKind::Line, &mut errors);
    errors.into_result()
}

fn walk(value: &Value, path: &str, kind: TextKind, errors: &mut ValidationErrors) {
    match value {
        Value::String(text) => {
            if let Err(message) = check_text(text, kind) {
                errors.add(field_name(path), message);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{index}]"), kind, errors);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if check_text(key, TextKind::Line).is_err() {
                    errors.add(field_name(path), "has a field name with control characters");
                    continue;
                }
                let kind = if kind == TextKind::FreeText || FREE_TEXT_FIELDS.contains(&key.as_str())
                {
                    TextKind::FreeText
                } else {
                    TextKind::Line
                };
                walk(item, &child, kind, errors);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

/// Refuses a request whose path or query string holds a control character (after
/// percent-decoding) with 400 problem+json naming the parameter, before any handler runs.
pub async fn refuse_control_characters<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if let Err(errors) = check_request_target(req.path(), req.query_string()) {
        let error =
            ApiError::bad_request("the path or query holds control characters").with_errors(errors);
        return Ok(req.error_response(error).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The path and query checks of [`refuse_control_characters`].
pub fn check_request_target(path: &str, query: &str) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let decoded_path = percent_decode(path.as_bytes());
    if check_text(&decoded_path, TextKind::Line).is_err() {
        errors.add("path", CONTROL_CHARACTERS);
    }
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if check_text(&name, TextKind::Line).is_err() {
            errors.add("query", "has a parameter name with control characters");
        } else if check_text(&value, TextKind::Line).is_err() {
            errors.add(name.into_owned(), CONTROL_CHARACTERS);
        }
    }
    errors.into_result()
}

/// `%XX` sequences decoded (invalid UTF-8 replaced), as the router decodes path segments.
fn percent_decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let byte = raw[index];
        let hex = |at: usize| raw.get(at).and_then(|b| (*b as char).to_digit(16));
        match (byte, hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_refuse_every_control_character_and_free_text_keeps_line_breaks() {
        for bad in [
            "a\0b",
            "tab\there",
            "line\nbreak",
            "del\u{7f}",
            "c1\u{85}",
            "\r",
        ] {
            assert!(check_text(bad, TextKind::Line).is_err(), "{bad:?}");
        }
        for good in ["Lagos", "São Tomé", "emoji 🚤", ""] {
            assert!(check_text(good, TextKind::Line).is_ok(), "{good:?}");
        }
        assert!(check_text("two\nlines\r\nand\ta tab", TextKind::FreeText).is_ok());
        assert!(check_text("nul\0here", TextKind::FreeText).is_err());
        assert!(check_text("bell\u{7}", TextKind::FreeText).is_err());
    }

    #[test]
    fn json_bodies_name_the_fields_that_hold_control_characters() {
        let body = json!({
            "notes": "first line\nsecond line",
            "equipment_id": "3f7c\u{0}",
            "vendor": {"business_name": "Blue\nLagoon", "description": "ok\n"},
            "weekly": [{"start": "08:00"}, {"start": "09:00\u{0}"}],
            "attributes": {"deck": {"notes": "tab\tok"}},
        });
        let errors = check_json(&body).unwrap_err();
        let fields: Vec<_> = errors.fields().map(|(field, _)| field.to_owned()).collect();
        assert_eq!(
            fields,
            vec!["equipment_id", "vendor.business_name", "weekly[1].start"]
        );
        assert!(check_json(&json!({"reason": "late\r\nsorry"})).is_ok());
        assert!(check_json(&json!({"a\u{0}": 1})).is_err());
    }

    #[test]
    fn paths_and_queries_are_judged_after_percent_decoding() {
        assert!(check_request_target("/api/v1/equipment", "q=a%20b&location=lagos").is_ok());
        let errors = check_request_target("/api/v1/equipment", "q=a%00b&page=1").unwrap_err();
        assert_eq!(errors.fields().map(|(f, _)| f).collect::<Vec<_>>(), ["q"]);
        assert!(check_request_target("/api/v1/equipment", "location=x%0Ay").is_err());
        assert!(check_request_target("/api/v1/bookings/abc%00", "").is_err());
        assert!(check_request_target("/api/v1/bookings/abc%2", "").is_ok());
    }
}
