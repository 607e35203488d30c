//! Route modules, one per area. Handlers parse, make one service call, and map the result.

pub mod allow;
pub mod auth;
pub mod availability;
pub mod bookings;
pub mod catalog;
pub mod health;
pub mod me;
pub mod payments;

use actix_web::web;

/// Mounts every `/api/v1` route.
pub fn api_v1(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .configure(auth::routes)
            .configure(me::routes)
            .configure(catalog::routes)
            .configure(availability::routes)
            .configure(bookings::routes)
            .configure(payments::routes),
    );
}
