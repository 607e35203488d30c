//! Every response an API test gets is checked against the OpenAPI document the server serves:
//! the status must be documented for the operation (method and path template), and the body
//! must be valid against that response's schema for its content type. Drift between the code
//! and the document fails the test that shows it.
//!
//! Requests that match no documented operation (media files, Swagger UI, unknown paths and
//! methods) are not checked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::{Method, StatusCode};
use jsonschema::{Draft, Validator};
use serde_json::Value;

/// The served document and the validators made from it, per JSON pointer.
pub struct Contract {
    document: Value,
    /// `(template, segments)` of every documented path.
    paths: Vec<(String, Vec<String>)>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

static CONTRACT: OnceLock<Contract> = OnceLock::new();

/// The contract, made from `document` the first time.
pub fn contract(document: impl FnOnce() -> Value) -> &'static Contract {
    CONTRACT.get_or_init(|| Contract::new(document()))
}

pub fn is_loaded() -> bool {
    CONTRACT.get().is_some()
}

/// `~` and `/` escaped for a JSON pointer.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Contract {
    fn new(document: Value) -> Self {
        let paths = document["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .keys()
                    .map(|template| {
                        let segments = template.split('/').map(str::to_owned).collect();
                        (template.clone(), segments)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            document,
            paths,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The documented path template that `path` matches: literal segments before parameters
    /// (`/equipment/categories` before `/equipment/{id}`), as the server routes them.
    fn template(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.paths
            .iter()
            .filter(|(_, template)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| {
                        (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                    })
            })
            .min_by_key(|(_, template)| template.iter().filter(|t| t.starts_with('{')).count())
            .map(|(template, _)| template.as_str())
    }

    fn validator(&self, pointer: &str) -> Arc<Validator> {
        let mut validators = self
            .validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        validators
            .entry(pointer.to_owned())
            .or_insert_with(|| {
                // The whole document is the root, so every `#/components/...` reference in the
                // schema resolves; the schema itself is reached by its pointer.
                let mut root = self.document.clone();
                let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
                root["$ref"] = Value::String(format!("#{fragment}"));
                let validator = jsonschema::options()
                    .with_draft(Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&root)
                    .unwrap_or_else(|error| panic!("the schema at {pointer} is invalid: {error}"));
                Arc::new(validator)
            })
            .clone()
    }

    /// Panics unless the response is one the document allows for this request.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        content_type: Option<&str>,
        body: &[u8],
    ) {
        let Some(template) = self.template(path) else {
            return;
        };
        let method_name = method.as_str().to_ascii_lowercase();
        let operation = &self.document["paths"][template][&method_name];
        if !operation.is_object() {
            return;
        }
        let what = format!("{method} {path} ({template}) answered {status}");
        let code = status.as_u16().to_string();
        let mut pointer = format!("/paths/{}/{method_name}/responses/{code}", escape(template));
        let mut response = &operation["responses"][&code];
        if !response.is_object() {
            panic!(
                "{what}, which the OpenAPI document does not list for it (documented: {:?}); body: {}",
                operation["responses"]
                    .as_object()
                    .map(|r| r.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default(),
                String::from_utf8_lossy(body)
            );
        }
        if let Some(reference) = response["$ref"].as_str() {
            pointer = reference.trim_start_matches('#').to_owned();
            response = self
                .document
                .pointer(&pointer)
                .unwrap_or_else(|| panic!("{what}: {reference} is not in the document"));
        }
        let content = response["content"].as_object();
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            assert!(
                body.is_empty(),
                "{what} with a body, but the document says it has none: {}",
                String::from_utf8_lossy(body)
            );
            return;
        };
        let media_type = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let essence = |value: &str| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        };
        let documented = content
            .iter()
            .find(|(documented, _)| essence(documented) == media_type);
        let Some((documented_type, documented)) = documented else {
            panic!(
                "{what} with Content-Type {content_type:?}, but the document lists {:?}",
                content.keys().collect::<Vec<_>>()
            );
        };
        let is_json = media_type == "application/json" || media_type.ends_with("+json");
        if !is_json || !documented["schema"].is_object() {
            return;
        }
        let value: Value = serde_json::from_slice(body).unwrap_or_else(|error| {
            panic!(
                "{what}: the body is not JSON ({error}): {}",
                String::from_utf8_lossy(body)
            )
        });
        let schema_pointer = format!("{pointer}/content/{}/schema", escape(documented_type));
        let validator = self.validator(&schema_pointer);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} with a body that does not match the document ({schema_pointer}):\n  {}\nbody: {value}",
            errors.join("\n  ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::OpenApi;

    fn document() -> Contract {
        Contract::new(serde_json::to_value(api_server::openapi::ApiDoc::openapi()).unwrap())
    }

    fn refused(check: impl FnOnce() + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(check).is_err()
    }

    #[test]
    fn the_contract_refuses_undocumented_statuses_and_bodies_that_do_not_match() {
        let contract = document();
        let problem = br#"{"type":"urn:watertrek:problem:not_found","title":"Not Found","status":404,"detail":"no such resource","code":"not_found"}"#;
        let json = Some("application/problem+json");
        let ok = |path: &'static str, status: u16, body: &'static [u8]| {
            let contract = &contract;
            move || {
                contract.check(
                    &Method::GET,
                    path,
                    StatusCode::from_u16(status).unwrap(),
                    json,
                    body,
                )
            }
        };
        assert!(!refused(ok("/api/v1/bookings/abc", 404, problem)));
        // Not documented for the operation.
        assert!(refused(ok("/api/v1/bookings/abc", 409, problem)));
        // A body that is not the schema's.
        assert!(refused(ok(
            "/api/v1/bookings/abc",
            404,
            br#"{"status":404}"#
        )));
        assert!(refused(ok("/api/v1/bookings/abc", 200, br#"{"id":"abc"}"#)));
        // Not an operation: not checked.
        assert!(!refused(ok("/media/nothing.jpg", 404, b"")));
        assert!(!refused(ok("/api/v1/nothing", 418, b"")));
    }
}
