//! Catalog routes: categories, listings of both kinds, their images, vendor storefronts.
//!
//! Equipment and adventures have the same shapes; [`listing_routes!`] writes each kind's
//! handlers (with their own OpenAPI paths) over the shared helpers below.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use domain_catalog::ImageUpload;
use domain_core::{PageRequest, ValidationErrors};
use futures_util::TryStreamExt;

use crate::catalog_dto::{CategoryResponse, ListingResponse, StorefrontResponse};
use crate::error::ApiError;
use crate::input::{check_text, TextKind};
use crate::state::AppState;

/// Most bytes of a text part of an upload form.
const MAX_FORM_TEXT_BYTES: usize = 4 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    equipment::routes(cfg);
    adventures::routes(cfg);
    cfg.route("/vendors/{slug}", web::get().to(storefront));
}

fn page(page: Option<u32>, page_size: Option<u32>) -> Result<PageRequest, ApiError> {
    PageRequest::new(page, page_size).map_err(ApiError::bad_request)
}

/// Reads an upload form: the `file` part (at most `max_bytes`) and the optional `alt_text`,
/// `is_primary` and `position` parts.
async fn read_upload(
    req: &HttpRequest,
    mut form: Multipart,
    max_bytes: usize,
) -> Result<ImageUpload, ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "upload images as multipart/form-data with a `file` part",
        ));
    }
    let malformed = |e: actix_multipart::MultipartError| {
        ApiError::bad_request(format!("malformed multipart body: {e}"))
    };
    let mut upload = ImageUpload::default();
    let mut has_file = false;
    let mut errors = ValidationErrors::new();
    while let Some(mut field) = form.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "file" {
            max_bytes
        } else {
            MAX_FORM_TEXT_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(malformed)? {
            if bytes.len() + chunk.len() > limit {
                return Err(if name == "file" {
                    ApiError::payload_too_large(max_bytes)
                } else {
                    ApiError::validation(ValidationErrors::single(name, "is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            upload.bytes = bytes;
            has_file = true;
            continue;
        }
        let Ok(text) = String::from_utf8(bytes) else {
            errors.add(name, "must be UTF-8 text");
            continue;
        };
        let kind = if name == "alt_text" {
            TextKind::FreeText
        } else {
            TextKind::Line
        };
        if let Err(message) = check_text(&text, kind) {
            errors.add(name, message);
            continue;
        }
        match name.as_str() {
            "alt_text" => upload.alt_text = Some(text),
            "is_primary" => match text.trim() {
                "true" | "1" | "on" => upload.is_primary = Some(true),
                "false" | "0" | "off" => upload.is_primary = Some(false),
                _ => errors.add("is_primary", "must be true or false"),
            },
            "position" => match text.trim().parse() {
                Ok(position) => upload.position = Some(position),
                Err(_) => errors.add("position", "must be a whole number"),
            },
            other => errors.add(other, "is not an accepted field"),
        }
    }
    if !has_file {
        errors.add("file", "is required");
    }
    errors.into_result().map_err(ApiError::validation)?;
    Ok(upload)
}

/// A vendor's public storefront.
#[utoipa::path(get, path = "/api/v1/vendors/{slug}", tag = "catalog",
    params(("slug" = String, Path, description = "Vendor slug")),
    responses(
        (status = 200, description = "The vendor and their active listings", body = StorefrontResponse),
        (status = 404, description = "No active vendor has this slug"),
    ))]
pub async fn storefront(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let storefront =
        crate::blocking::db(&state, move |state| state.catalog.storefront(&slug)).await??;
    Ok(HttpResponse::Ok().json(StorefrontResponse::from(storefront)))
}

fn listing_json(listing: domain_catalog::Listing) -> ListingResponse {
    ListingResponse::from(listing)
}

fn categories_json(categories: Vec<domain_catalog::Category>) -> Vec<CategoryResponse> {
    categories.into_iter().map(Into::into).collect()
}

macro_rules! listing_routes {
    (
        module: $module:ident,
        kind: $kind:expr,
        tag: $tag:tt,
        body: $body:ident,
        response: $response:ident,
        page: $page:ident,
        route: $route:tt,
        admin_route: $admin_route:tt,
        doc_collection: $doc_collection:tt,
        doc_item: $doc_item:tt,
        doc_categories: $doc_categories:tt,
        doc_mine: $doc_mine:tt,
        doc_images: $doc_images:tt,
        doc_image: $doc_image:tt,
        doc_admin_categories: $doc_admin_categories:tt,
        doc_admin_category: $doc_admin_category:tt $(,)?
    ) => {
        pub mod $module {
            use actix_multipart::Multipart;
            use actix_web::{web, HttpRequest, HttpResponse};

            use super::{categories_json, listing_json, page, read_upload};
            use crate::catalog_dto::{
                $body, $page, $response, BrowseParams, CategoryRequest, CategoryResponse, NewCategoryRequest,
                ImagePatch, ImageResponse, ImageUploadForm, PageParams,
            };
            use crate::error::responses::*;
            use crate::error::ApiError;
            use crate::extract::{ApiJson, AuthUser, MaybeAuthUser};
            use crate::state::AppState;

            const KIND: domain_catalog::ListingKind = $kind;

            pub fn routes(cfg: &mut web::ServiceConfig) {
                cfg.route(concat!($route, "/categories"), web::get().to(categories))
                    .route($route, web::get().to(browse))
                    .route($route, web::post().to(create))
                    .route(concat!($route, "/{id}"), web::get().to(detail))
                    .route(concat!($route, "/{id}"), web::patch().to(update))
                    .route(concat!($route, "/{id}"), web::delete().to(delete))
                    .route(concat!("/vendor", $route), web::get().to(mine))
                    .route(concat!($route, "/{id}/images"), web::post().to(upload_image))
                    .route(concat!($route, "/{id}/images/{image_id}"), web::patch().to(update_image))
                    .route(concat!($route, "/{id}/images/{image_id}"), web::delete().to(delete_image))
                    .route($admin_route, web::post().to(create_category))
                    .route(concat!($admin_route, "/{id}"), web::patch().to(update_category))
                    .route(concat!($admin_route, "/{id}"), web::delete().to(delete_category));
            }

            /// Every category of this kind (small, not paginated).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_categories"), get, path = $doc_categories, tag = $tag,
                responses(
                    (status = 200, description = "Every category", body = [CategoryResponse]),
                    (status = 503, response = ServiceUnavailable),
                ))]
            pub async fn categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
                let categories = crate::blocking::db(&state, move |state| state.catalog.categories(KIND)).await??;
                Ok(HttpResponse::Ok().json(categories_json(categories)))
            }

            /// Browse active listings of active vendors: filters, stable sort, paging.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_browse"), get, path = $doc_collection, tag = $tag, params(BrowseParams),
                responses(
                    (status = 200, description = "A page of listings", body = $page),
                    (status = 400, description = "Malformed query (unknown parameter, page_size over 100)"),
                    (status = 422, description = "Invalid filter values"),
                ))]
            pub async fn browse(
                state: web::Data<AppState>,
                query: web::Query<BrowseParams>,
            ) -> Result<HttpResponse, ApiError> {
                let query = query.into_inner();
                let paging = page(query.page, query.page_size)?;
                let found =
                    crate::blocking::db(&state, move |state| state.catalog.browse(KIND, query.into(), paging)).await??;
                Ok(HttpResponse::Ok().json($page::from(found)))
            }

            /// One listing with images (primary first), vendor and pricing. Inactive listings
            /// are visible only to their vendor and admins.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_detail"), get, path = $doc_item, tag = $tag,
                params(("id" = String, Path, description = "Listing id")),
                security((), ("bearer" = [])),
                responses(
                    (status = 200, description = "The listing", body = $response),
                    (status = 401, description = "An invalid bearer token was sent"),
                    (status = 404, description = "No such listing (or not visible to you)"),
                ))]
            pub async fn detail(
                state: web::Data<AppState>,
                MaybeAuthUser(viewer): MaybeAuthUser,
                id: web::Path<String>,
            ) -> Result<HttpResponse, ApiError> {
                let listing =
                    crate::blocking::db(&state, move |state| state.catalog.listing(viewer.as_ref(), KIND, &id)).await??;
                Ok(HttpResponse::Ok().json(listing_json(listing)))
            }

            /// Create a listing (vendors).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_create"), post, path = $doc_collection, tag = $tag, security(("bearer" = [])),
                request_body = $body,
                responses(
                    (status = 201, description = "Created", body = $response),
                    (status = 400, response = BadRequest),
                    (status = 401, response = Unauthorized),
                    (status = 403, description = "Not a vendor"),
                    (status = 409, description = "item_code already used by another of your items"),
                    (status = 422, description = "Invalid or unknown fields (unknown category, negative price, bad currency, bad coordinates…)"),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                ))]
            pub async fn create(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                ApiJson(body): ApiJson<$body>,
            ) -> Result<HttpResponse, ApiError> {
                let listing =
                    crate::blocking::db(&state, move |state| state.catalog.create_listing(&principal, KIND, body.into()))
                        .await??;
                Ok(HttpResponse::Created().json(listing_json(listing)))
            }

            /// Change a listing (its vendor or an admin): any subset of the fields.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_update"), patch, path = $doc_item, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Listing id")),
                request_body = $body,
                responses(
                    (status = 200, description = "Updated", body = $response),
                    (status = 400, response = BadRequest),
                    (status = 401, response = Unauthorized),
                    (status = 404, description = "No such listing of yours"),
                    (status = 409, description = "item_code already used"),
                    (status = 422, response = UnprocessableEntity),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                    (status = 403, description = "Not the listing's vendor nor an admin"),
                ))]
            pub async fn update(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                id: web::Path<String>,
                ApiJson(body): ApiJson<$body>,
            ) -> Result<HttpResponse, ApiError> {
                let listing = crate::blocking::db(&state, move |state| {
                    state.catalog.update_listing(&principal, KIND, &id, body.into())
                })
                .await??;
                Ok(HttpResponse::Ok().json(listing_json(listing)))
            }

            /// Delete a listing and its images (its vendor or an admin). Refused while it has
            /// live bookings ending in the future: deactivate it instead.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_delete"), delete, path = $doc_item, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Listing id")),
                responses(
                    (status = 204, description = "Deleted"),
                    (status = 401, response = Unauthorized),
                    (status = 404, description = "No such listing of yours"),
                    (status = 409, description = "It has future bookings (listing_has_bookings)"),
                    (status = 403, description = "Not the listing's vendor nor an admin"),
                ))]
            pub async fn delete(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                id: web::Path<String>,
            ) -> Result<HttpResponse, ApiError> {
                crate::blocking::db(&state, move |state| state.catalog.delete_listing(&principal, KIND, &id)).await??;
                Ok(HttpResponse::NoContent().finish())
            }

            /// The calling vendor's own listings, inactive included, newest first.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_mine"), get, path = $doc_mine, tag = $tag, security(("bearer" = [])),
                params(PageParams),
                responses(
                    (status = 200, description = "A page of your listings", body = $page),
                    (status = 400, response = BadRequest),
                    (status = 401, response = Unauthorized),
                    (status = 403, description = "Not a vendor"),
                ))]
            pub async fn mine(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                query: web::Query<PageParams>,
            ) -> Result<HttpResponse, ApiError> {
                let paging = page(query.page, query.page_size)?;
                let found =
                    crate::blocking::db(&state, move |state| state.catalog.vendor_listings(&principal, KIND, paging))
                        .await??;
                Ok(HttpResponse::Ok().json($page::from(found)))
            }

            /// Upload an image (multipart `file`, judged by content: JPEG, PNG or WebP).
            /// Identifying metadata (EXIF, GPS, XMP) is stripped; the picture is not re-encoded.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_upload_image"), post, path = $doc_images, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "Listing id")),
                request_body(content = ImageUploadForm, content_type = "multipart/form-data"),
                responses(
                    (status = 201, description = "Stored", body = ImageResponse),
                    (status = 400, description = "Malformed multipart body"),
                    (status = 401, response = Unauthorized),
                    (status = 404, description = "No such listing of yours"),
                    (status = 409, description = "The listing has 20 images already"),
                    (status = 413, description = "Larger than MAX_UPLOAD_BYTES"),
                    (status = 415, description = "Not a JPEG, PNG or WebP image (whatever the declared type)"),
                    (status = 422, description = "Missing file, unreadable image or invalid fields"),
                    (status = 403, description = "Not the listing's vendor nor an admin"),
                ))]
            pub async fn upload_image(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                id: web::Path<String>,
                req: HttpRequest,
                form: Multipart,
            ) -> Result<HttpResponse, ApiError> {
                let upload = read_upload(&req, form, state.catalog.max_upload_bytes()).await?;
                let image =
                    crate::blocking::db(&state, move |state| state.catalog.add_image(&principal, KIND, &id, upload))
                        .await??;
                Ok(HttpResponse::Created().json(ImageResponse::from(image)))
            }

            /// Change an image's `alt_text`, `position`, or make it the primary image.
            #[utoipa::path(operation_id = concat!(stringify!($module), "_update_image"), patch, path = $doc_image, tag = $tag, security(("bearer" = [])),
                params(
                    ("id" = String, Path, description = "Listing id"),
                    ("image_id" = String, Path, description = "Image id"),
                ),
                request_body = ImagePatch,
                responses(
                    (status = 200, description = "Updated", body = ImageResponse),
                    (status = 400, response = BadRequest),
                    (status = 401, response = Unauthorized),
                    (status = 404, description = "No such image of a listing of yours"),
                    (status = 422, response = UnprocessableEntity),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                    (status = 403, description = "Not the listing's vendor nor an admin"),
                ))]
            pub async fn update_image(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                path: web::Path<(String, String)>,
                ApiJson(body): ApiJson<ImagePatch>,
            ) -> Result<HttpResponse, ApiError> {
                let (id, image_id) = path.into_inner();
                let image = crate::blocking::db(&state, move |state| {
                    state.catalog.update_image(&principal, KIND, &id, &image_id, body.into())
                })
                .await??;
                Ok(HttpResponse::Ok().json(ImageResponse::from(image)))
            }

            /// Delete an image (the next one becomes primary if it was).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_delete_image"), delete, path = $doc_image, tag = $tag, security(("bearer" = [])),
                params(
                    ("id" = String, Path, description = "Listing id"),
                    ("image_id" = String, Path, description = "Image id"),
                ),
                responses(
                    (status = 204, description = "Deleted"),
                    (status = 401, response = Unauthorized),
                    (status = 404, description = "No such image of a listing of yours"),
                    (status = 403, description = "Not the listing's vendor nor an admin"),
                ))]
            pub async fn delete_image(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                path: web::Path<(String, String)>,
            ) -> Result<HttpResponse, ApiError> {
                let (id, image_id) = path.into_inner();
                crate::blocking::db(&state, move |state| state.catalog.delete_image(&principal, KIND, &id, &image_id))
                    .await??;
                Ok(HttpResponse::NoContent().finish())
            }

            /// Create a category (admins).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_create_category"), post, path = $doc_admin_categories, tag = "admin",
                security(("bearer" = [])), request_body = NewCategoryRequest,
                responses(
                    (status = 201, description = "Created", body = CategoryResponse),
                    (status = 401, response = Unauthorized),
                    (status = 403, response = Forbidden),
                    (status = 409, description = "Slug taken"),
                    (status = 422, response = UnprocessableEntity),
                    (status = 400, response = BadRequest),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                ))]
            pub async fn create_category(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                // Read as the optional fields of a change, so that every missing or invalid
                // field is reported at once; the document says which are required.
                ApiJson(body): ApiJson<CategoryRequest>,
            ) -> Result<HttpResponse, ApiError> {
                let category = crate::blocking::db(&state, move |state| {
                    state.catalog.create_category(
                        &principal,
                        KIND,
                        body.slug.as_deref(),
                        body.name.as_deref(),
                    )
                })
                .await??;
                Ok(HttpResponse::Created().json(CategoryResponse::from(category)))
            }

            /// Rename a category or change its slug (admins).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_update_category"), patch, path = $doc_admin_category, tag = "admin",
                security(("bearer" = [])), request_body = CategoryRequest,
                params(("id" = String, Path, description = "Category id")),
                responses(
                    (status = 200, description = "Updated", body = CategoryResponse),
                    (status = 401, response = Unauthorized),
                    (status = 403, response = Forbidden),
                    (status = 404, description = "No such category"),
                    (status = 409, description = "Slug taken"),
                    (status = 422, response = UnprocessableEntity),
                    (status = 400, response = BadRequest),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                ))]
            pub async fn update_category(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                id: web::Path<String>,
                ApiJson(body): ApiJson<CategoryRequest>,
            ) -> Result<HttpResponse, ApiError> {
                let category = crate::blocking::db(&state, move |state| {
                    state.catalog.update_category(
                        &principal,
                        KIND,
                        &id,
                        body.slug.as_deref(),
                        body.name.as_deref(),
                    )
                })
                .await??;
                Ok(HttpResponse::Ok().json(CategoryResponse::from(category)))
            }

            /// Delete a category that no listing uses (admins).
            #[utoipa::path(operation_id = concat!(stringify!($module), "_delete_category"), delete, path = $doc_admin_category, tag = "admin",
                security(("bearer" = [])),
                params(("id" = String, Path, description = "Category id")),
                responses(
                    (status = 204, description = "Deleted"),
                    (status = 401, response = Unauthorized),
                    (status = 403, response = Forbidden),
                    (status = 404, description = "No such category"),
                    (status = 409, description = "Listings use it"),
                ))]
            pub async fn delete_category(
                state: web::Data<AppState>,
                AuthUser(principal): AuthUser,
                id: web::Path<String>,
            ) -> Result<HttpResponse, ApiError> {
                crate::blocking::db(&state, move |state| state.catalog.delete_category(&principal, KIND, &id)).await??;
                Ok(HttpResponse::NoContent().finish())
            }
        }
    };
}

listing_routes! {
    module: equipment,
    kind: domain_catalog::ListingKind::Equipment,
    tag: "equipment",
    body: EquipmentBody,
    response: EquipmentResponse,
    page: EquipmentPage,
    route: "/equipment",
    admin_route: "/admin/equipment-categories",
    doc_collection: "/api/v1/equipment",
    doc_item: "/api/v1/equipment/{id}",
    doc_categories: "/api/v1/equipment/categories",
    doc_mine: "/api/v1/vendor/equipment",
    doc_images: "/api/v1/equipment/{id}/images",
    doc_image: "/api/v1/equipment/{id}/images/{image_id}",
    doc_admin_categories: "/api/v1/admin/equipment-categories",
    doc_admin_category: "/api/v1/admin/equipment-categories/{id}",
}

listing_routes! {
    module: adventures,
    kind: domain_catalog::ListingKind::Adventure,
    tag: "adventures",
    body: AdventureBody,
    response: AdventureResponse,
    page: AdventurePage,
    route: "/adventures",
    admin_route: "/admin/adventure-categories",
    doc_collection: "/api/v1/adventures",
    doc_item: "/api/v1/adventures/{id}",
    doc_categories: "/api/v1/adventures/categories",
    doc_mine: "/api/v1/vendor/adventures",
    doc_images: "/api/v1/adventures/{id}/images",
    doc_image: "/api/v1/adventures/{id}/images/{image_id}",
    doc_admin_categories: "/api/v1/admin/adventure-categories",
    doc_admin_category: "/api/v1/admin/adventure-categories/{id}",
}
