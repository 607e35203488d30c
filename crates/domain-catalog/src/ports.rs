//! What the catalog needs from outside: storage of listings and images, and file storage.

use chrono::{DateTime, Utc};
use domain_accounts::UserId;
use domain_core::{Page, PageRequest, StoreError};

use crate::listing::{ListingKind, ListingSpec};
use crate::model::{
    BrowseFilter, Category, ImageUpdate, Listing, ListingImage, NewImage, Storefront,
};

#[derive(Debug, thiserror::Error)]
pub enum CategoryWriteError {
    #[error("a category of this kind has this slug")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What deleting a listing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingDeletion {
    /// Deleted; these image files are to be removed.
    Deleted(Vec<String>),
    /// Live bookings in the future; nothing changed.
    HasFutureBookings,
    /// Bookings with payment records, which are kept; nothing changed.
    HasPayments,
}

/// What deleting a category did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryDeletion {
    Deleted,
    NotFound,
    /// Listings use it; nothing changed.
    InUse,
}

#[derive(Debug, thiserror::Error)]
pub enum ListingWriteError {
    #[error("no category of this kind has this slug")]
    UnknownCategory,
    #[error("the vendor has another item with this item_code")]
    ItemCodeTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum AddImageError {
    #[error("the listing has the maximum number of images")]
    TooManyImages,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Storage of categories, listings and image records. Each method is one transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CatalogRepository: Send + Sync {
    fn list_categories(&self, kind: ListingKind) -> Result<Vec<Category>, StoreError>;

    /// MUST return `SlugTaken` when the kind already has the slug.
    fn create_category(
        &self,
        kind: ListingKind,
        slug: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Category, CategoryWriteError>;

    /// `Ok(None)` when no category of `kind` has this id.
    fn update_category<'a>(
        &self,
        kind: ListingKind,
        id: &str,
        slug: Option<&'a str>,
        name: Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Category>, CategoryWriteError>;

    fn delete_category(&self, kind: ListingKind, id: &str) -> Result<CategoryDeletion, StoreError>;

    /// The time zone of the vendor's profile; `None` when the user is not a vendor.
    fn vendor_timezone(&self, vendor: &UserId) -> Result<Option<String>, StoreError>;

    /// Stores a new listing of `vendor`. MUST return `UnknownCategory` when the spec's
    /// category slug is not a category of its kind and `ItemCodeTaken` for a duplicate code.
    fn create_listing(
        &self,
        vendor: &UserId,
        spec: &ListingSpec,
        now: DateTime<Utc>,
    ) -> Result<Listing, ListingWriteError>;

    /// A listing of `kind` with its vendor and images, active or not.
    fn find_listing(&self, kind: ListingKind, id: &str) -> Result<Option<Listing>, StoreError>;

    /// Replaces the listing's fields with `spec`. Errors as for `create_listing`.
    fn update_listing(
        &self,
        kind: ListingKind,
        id: &str,
        spec: &ListingSpec,
        now: DateTime<Utc>,
    ) -> Result<Option<Listing>, ListingWriteError>;

    /// In one transaction: refuses with `HasFutureBookings` when a requested, approved or
    /// confirmed booking of the listing ends after `now`; otherwise deletes the listing with
    /// its images, sessions and past bookings and returns the image file names to remove.
    fn delete_listing(
        &self,
        kind: ListingKind,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<ListingDeletion, StoreError>;

    /// Public listings (active, of active vendors) of `kind` matching `filter`, with their
    /// images. MUST run a fixed number of queries whatever the page size.
    fn browse(
        &self,
        kind: ListingKind,
        filter: &BrowseFilter,
        page: PageRequest,
    ) -> Result<Page<Listing>, StoreError>;

    /// Every listing of `kind` of the vendor, inactive included, newest first.
    fn vendor_listings(
        &self,
        vendor: &UserId,
        kind: ListingKind,
        page: PageRequest,
    ) -> Result<Page<Listing>, StoreError>;

    /// Adds an image record. In one transaction: refuses with `TooManyImages` when the
    /// listing has `max_images`; the first image, or one with `is_primary: Some(true)`, becomes
    /// the only primary image; the position defaults to after the last image.
    fn add_image(
        &self,
        listing_id: &str,
        image: &NewImage,
        max_images: usize,
    ) -> Result<ListingImage, AddImageError>;

    /// Changes an image of the listing; making one primary makes the others not primary.
    fn update_image(
        &self,
        listing_id: &str,
        image_id: &str,
        update: &ImageUpdate,
    ) -> Result<Option<ListingImage>, StoreError>;

    /// Deletes an image record (promoting the next image to primary if it was primary);
    /// returns its file name.
    fn delete_image(&self, listing_id: &str, image_id: &str) -> Result<Option<String>, StoreError>;

    /// An active vendor's profile with their public listings.
    fn storefront(&self, slug: &str) -> Result<Option<Storefront>, StoreError>;
}

/// Where uploaded files live (a folder served under `/media/`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait MediaStore: Send + Sync {
    /// Writes a new file under a fresh unguessable name ending in `.{extension}` and
    /// returns the name. Never overwrites a file.
    fn save(&self, extension: &str, bytes: &[u8]) -> Result<String, StoreError>;
    /// Removes a file, best effort: a missing file is fine; other failures are logged by the
    /// adapter (the record is already gone, so nothing refers to the file any more).
    fn delete(&self, file_name: &str);
}
