//! `405 Method Not Allowed` with `Allow` (RFC 9110) for paths that exist under other methods.
//!
//! The table is read from the OpenAPI document, which lists every operation the server
//! routes (the API tests check each response against it), so the `Allow` header and the
//! document cannot disagree.

use actix_web::http::Method;
use utoipa::openapi::OpenApi;

/// One path template's segments (`None` for a `{parameter}`) and the methods it answers.
#[derive(Debug, Clone)]
struct Entry {
    segments: Vec<Option<String>>,
    methods: Vec<Method>,
}

/// Which methods each documented path answers.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    entries: Vec<Entry>,
}

impl RouteTable {
    /// The paths and methods of `document`.
    pub fn from_openapi(document: &OpenApi) -> Self {
        let entries = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let mut methods: Vec<Method> = [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                    (&item.head, Method::HEAD),
                    (&item.options, Method::OPTIONS),
                ]
                .into_iter()
                .filter(|(operation, _)| operation.is_some())
                .map(|(_, method)| method)
                .collect();
                methods.dedup();
                Entry {
                    segments: segments(template)
                        .map(|segment| {
                            (!(segment.starts_with('{') && segment.ends_with('}')))
                                .then(|| segment.to_owned())
                        })
                        .collect(),
                    methods,
                }
            })
            .collect();
        Self { entries }
    }

    /// The methods `path` answers, if it is a documented path. A literal segment wins over a
    /// parameter (`/equipment/categories` over `/equipment/{id}`), as in the router.
    pub fn allowed(&self, path: &str) -> Option<&[Method]> {
        let parts: Vec<&str> = segments(path).collect();
        self.entries
            .iter()
            .filter(|entry| {
                entry.segments.len() == parts.len()
                    && entry
                        .segments
                        .iter()
                        .zip(&parts)
                        .all(|(segment, part)| match segment {
                            Some(literal) => literal == part,
                            None => !part.is_empty(),
                        })
            })
            .max_by_key(|entry| entry.segments.iter().filter(|s| s.is_some()).count())
            .map(|entry| entry.methods.as_slice())
    }

    /// The `Allow` header value for `path` when `method` is not one of its methods.
    pub fn disallowed(&self, path: &str, method: &Method) -> Option<String> {
        let methods = self.allowed(path)?;
        (!methods.contains(method)).then(|| {
            methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/').split('/').skip(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_paths_answer_405_for_other_methods_only() {
        let table =
            RouteTable::from_openapi(&<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi());
        assert_eq!(
            table
                .disallowed("/api/v1/bookings", &Method::DELETE)
                .as_deref(),
            Some("GET, POST")
        );
        assert_eq!(
            table
                .disallowed("/api/v1/equipment/abc", &Method::PUT)
                .as_deref(),
            Some("GET, DELETE, PATCH")
        );
        assert_eq!(
            table
                .disallowed("/api/v1/equipment/categories", &Method::POST)
                .as_deref(),
            Some("GET")
        );
        assert_eq!(table.disallowed("/api/v1/bookings", &Method::GET), None);
        assert_eq!(table.disallowed("/api/v1/nowhere", &Method::GET), None);
        assert_eq!(
            table.disallowed("/api/v1/equipment//images", &Method::PUT),
            None
        );
    }
}
