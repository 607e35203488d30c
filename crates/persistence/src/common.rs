//! Small helpers every repository of this crate uses: ids, stored values read back, paging.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use domain_booking::TimeWindow;
use domain_core::{Page, PageRequest};

/// A new random identifier (UUID v4, as text).
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The error for a stored value that does not parse: "stored `what` is invalid".
pub(crate) fn corrupt(what: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("stored {what} is invalid").into())
}

/// A stored timestamp (UTC by convention) as a UTC instant.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A stored `[start, end)` as a [`TimeWindow`]; [`corrupt`] (naming `what`) when it is empty
/// or reversed.
pub(crate) fn window(
    start: NaiveDateTime,
    end: NaiveDateTime,
    what: &str,
) -> QueryResult<TimeWindow> {
    TimeWindow::new(utc(start), utc(end)).map_err(|_| corrupt(what))
}

/// The `LIMIT` and `OFFSET` of `page`.
pub(crate) fn limit_offset(page: PageRequest) -> (i64, i64) {
    (
        i64::from(page.page_size()),
        i64::try_from(page.offset()).unwrap_or(i64::MAX),
    )
}

/// The items of `page` with the `total` number of matches.
pub(crate) fn page_of<T>(items: Vec<T>, page: PageRequest, total: i64) -> Page<T> {
    Page {
        items,
        page: page.page(),
        page_size: page.page_size(),
        total: u64::try_from(total).unwrap_or(0),
    }
}
