//! The catalog use cases: categories, listings, images, browse and storefronts.

use std::sync::Arc;

use domain_accounts::{Name, Principal, Role, Slug, TimeZone};
use domain_core::{Clock, Page, PageRequest, StoreError, ValidationErrors};

use crate::images::{inspect_image, ImageError};
use crate::listing::{ListingInput, ListingKind};
use crate::model::{
    BrowseFilter, BrowseQuery, Category, ImageUpdate, Listing, ListingImage, NewImage, Storefront,
};
use crate::ports::{
    AddImageError, CatalogRepository, CategoryDeletion, CategoryWriteError, ListingDeletion,
    ListingWriteError, MediaStore,
};

/// Most images one listing may have.
pub const MAX_IMAGES_PER_LISTING: usize = 20;
pub const MAX_ALT_TEXT_CHARS: usize = 300;
pub const MAX_IMAGE_POSITION: i64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("a category of this kind has this slug")]
    CategorySlugTaken,
    #[error("the category is used by listings")]
    CategoryInUse,
    #[error("you have another item with this item_code")]
    ItemCodeTaken,
    #[error("the listing has future bookings; deactivate it instead")]
    HasFutureBookings,
    #[error(
        "the listing has paid bookings, whose payment records are kept; deactivate it instead"
    )]
    HasPayments,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("not found")]
    NotFound,
    #[error("only JPEG, PNG and WebP images are accepted")]
    UnsupportedType,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("a listing has at most {MAX_IMAGES_PER_LISTING} images")]
    TooManyImages,
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An uploaded image file with its form fields.
#[derive(Debug, Clone, Default)]
pub struct ImageUpload {
    pub bytes: Vec<u8>,
    pub alt_text: Option<String>,
    pub is_primary: Option<bool>,
    pub position: Option<i64>,
}

/// Raw changes to an image's metadata.
#[derive(Debug, Clone, Default)]
pub struct ImagePatchInput {
    pub is_primary: Option<bool>,
    pub position: Option<i64>,
    pub alt_text: Option<Option<String>>,
}

#[derive(Clone)]
pub struct CatalogService {
    repository: Arc<dyn CatalogRepository>,
    media: Arc<dyn MediaStore>,
    clock: Arc<dyn Clock>,
    max_upload_bytes: usize,
}

fn category_fields(
    slug: Option<&str>,
    name: Option<&str>,
    required: bool,
) -> Result<(Option<Slug>, Option<Name>), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if required {
        if slug.is_none() {
            errors.add("slug", "is required");
        }
        if name.is_none() {
            errors.add("name", "is required");
        }
    }
    let slug = slug.and_then(|s| errors.check("slug", Slug::parse(s.trim())));
    let name = name.and_then(|n| errors.check("name", Name::parse(n)));
    errors.into_result().map(|()| (slug, name))
}

fn parse_alt_text(errors: &mut ValidationErrors, raw: Option<&str>) -> Option<String> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > MAX_ALT_TEXT_CHARS {
        errors.add(
            "alt_text",
            format!("must be at most {MAX_ALT_TEXT_CHARS} characters long"),
        );
        return None;
    }
    Some(text.to_owned())
}

fn check_position(errors: &mut ValidationErrors, position: Option<i64>) {
    if position.is_some_and(|p| !(0..=MAX_IMAGE_POSITION).contains(&p)) {
        errors.add(
            "position",
            format!("must be between 0 and {MAX_IMAGE_POSITION}"),
        );
    }
}

impl CatalogService {
    pub fn new(
        repository: Arc<dyn CatalogRepository>,
        media: Arc<dyn MediaStore>,
        clock: Arc<dyn Clock>,
        max_upload_bytes: usize,
    ) -> Self {
        Self {
            repository,
            media,
            clock,
            max_upload_bytes,
        }
    }

    pub fn max_upload_bytes(&self) -> usize {
        self.max_upload_bytes
    }

    pub fn categories(&self, kind: ListingKind) -> Result<Vec<Category>, StoreError> {
        self.repository.list_categories(kind)
    }

    pub fn create_category(
        &self,
        principal: &Principal,
        kind: ListingKind,
        slug: Option<&str>,
        name: Option<&str>,
    ) -> Result<Category, CatalogError> {
        if !principal.is_admin() {
            return Err(CatalogError::Forbidden);
        }
        let (slug, name) = category_fields(slug, name, true).map_err(CatalogError::Invalid)?;
        let (Some(slug), Some(name)) = (slug, name) else {
            return Err(CatalogError::Invalid(ValidationErrors::single(
                "slug",
                "is required",
            )));
        };
        self.repository
            .create_category(kind, slug.as_str(), name.as_str(), self.clock.now())
            .map_err(category_write_error)
    }

    pub fn update_category(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
        slug: Option<&str>,
        name: Option<&str>,
    ) -> Result<Category, CatalogError> {
        if !principal.is_admin() {
            return Err(CatalogError::Forbidden);
        }
        let (slug, name) = category_fields(slug, name, false).map_err(CatalogError::Invalid)?;
        self.repository
            .update_category(
                kind,
                id,
                slug.as_ref().map(Slug::as_str),
                name.as_ref().map(Name::as_str),
                self.clock.now(),
            )
            .map_err(category_write_error)?
            .ok_or(CatalogError::NotFound)
    }

    pub fn delete_category(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
    ) -> Result<(), CatalogError> {
        if !principal.is_admin() {
            return Err(CatalogError::Forbidden);
        }
        match self.repository.delete_category(kind, id)? {
            CategoryDeletion::Deleted => Ok(()),
            CategoryDeletion::NotFound => Err(CatalogError::NotFound),
            CategoryDeletion::InUse => Err(CatalogError::CategoryInUse),
        }
    }

    /// Creates a listing of the calling vendor.
    pub fn create_listing(
        &self,
        principal: &Principal,
        kind: ListingKind,
        input: ListingInput,
    ) -> Result<Listing, CatalogError> {
        if principal.role != Role::Vendor {
            return Err(CatalogError::Forbidden);
        }
        let timezone = self
            .repository
            .vendor_timezone(&principal.user_id)?
            .ok_or(CatalogError::Forbidden)?;
        let spec = input
            .parse(kind, vendor_zone(&timezone))
            .map_err(CatalogError::Invalid)?;
        self.repository
            .create_listing(&principal.user_id, &spec, self.clock.now())
            .map_err(listing_write_error)
    }

    /// A listing as `viewer` may see it: public ones for anyone, others for their vendor and
    /// admins. Everything else is `NotFound`.
    pub fn listing(
        &self,
        viewer: Option<&Principal>,
        kind: ListingKind,
        id: &str,
    ) -> Result<Listing, CatalogError> {
        let listing = self
            .repository
            .find_listing(kind, id)?
            .ok_or(CatalogError::NotFound)?;
        if listing.is_public() || viewer.is_some_and(|p| may_manage(p, &listing)) {
            Ok(listing)
        } else {
            Err(CatalogError::NotFound)
        }
    }

    /// The listing if `principal` may change it (its vendor or an admin), else `NotFound`.
    fn managed_listing(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
    ) -> Result<Listing, CatalogError> {
        self.repository
            .find_listing(kind, id)?
            .filter(|listing| may_manage(principal, listing))
            .ok_or(CatalogError::NotFound)
    }

    pub fn update_listing(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
        patch: ListingInput,
    ) -> Result<Listing, CatalogError> {
        let listing = self.managed_listing(principal, kind, id)?;
        let timezone = listing.spec.timezone;
        let spec = listing
            .spec
            .to_input()
            .overlay(patch)
            .parse(kind, timezone)
            .map_err(CatalogError::Invalid)?;
        self.repository
            .update_listing(kind, id, &spec, self.clock.now())
            .map_err(listing_write_error)?
            .ok_or(CatalogError::NotFound)
    }

    /// Deletes a listing, its image records and then its files.
    pub fn delete_listing(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
    ) -> Result<(), CatalogError> {
        self.managed_listing(principal, kind, id)?;
        match self.repository.delete_listing(kind, id, self.clock.now())? {
            ListingDeletion::Deleted(files) => {
                for file in files {
                    self.media.delete(&file);
                }
                Ok(())
            }
            ListingDeletion::HasFutureBookings => Err(CatalogError::HasFutureBookings),
            ListingDeletion::HasPayments => Err(CatalogError::HasPayments),
        }
    }

    pub fn browse(
        &self,
        kind: ListingKind,
        query: BrowseQuery,
        page: PageRequest,
    ) -> Result<Page<Listing>, CatalogError> {
        let filter = BrowseFilter::parse(query, self.clock.now()).map_err(CatalogError::Invalid)?;
        Ok(self.repository.browse(kind, &filter, page)?)
    }

    pub fn vendor_listings(
        &self,
        principal: &Principal,
        kind: ListingKind,
        page: PageRequest,
    ) -> Result<Page<Listing>, CatalogError> {
        if principal.role != Role::Vendor {
            return Err(CatalogError::Forbidden);
        }
        Ok(self
            .repository
            .vendor_listings(&principal.user_id, kind, page)?)
    }

    pub fn storefront(&self, slug: &str) -> Result<Storefront, CatalogError> {
        self.repository
            .storefront(&slug.trim().to_lowercase())?
            .ok_or(CatalogError::NotFound)
    }

    /// Checks the file by its content, strips identifying metadata, stores the file and its
    /// record. A failure leaves neither behind.
    pub fn add_image(
        &self,
        principal: &Principal,
        kind: ListingKind,
        listing_id: &str,
        upload: ImageUpload,
    ) -> Result<ListingImage, UploadError> {
        self.managed_listing(principal, kind, listing_id)
            .map_err(|error| match error {
                CatalogError::Store(error) => UploadError::Store(error),
                _ => UploadError::NotFound,
            })?;
        if upload.bytes.len() > self.max_upload_bytes {
            return Err(UploadError::TooLarge {
                max_bytes: self.max_upload_bytes,
            });
        }
        let mut errors = ValidationErrors::new();
        let alt_text = parse_alt_text(&mut errors, upload.alt_text.as_deref());
        check_position(&mut errors, upload.position);
        let image = match inspect_image(&upload.bytes) {
            Ok(image) => Some(image),
            Err(ImageError::UnsupportedType) => return Err(UploadError::UnsupportedType),
            Err(error) => {
                errors.add("file", error.to_string());
                None
            }
        };
        errors.into_result().map_err(UploadError::Invalid)?;
        let Some(image) = image else {
            return Err(UploadError::UnsupportedType);
        };
        let file_name = self.media.save(image.format.extension(), &image.bytes)?;
        let record = NewImage {
            file_name: file_name.clone(),
            content_type: image.format.content_type().to_owned(),
            size_bytes: i64::try_from(image.bytes.len()).unwrap_or(i64::MAX),
            width: i64::from(image.width),
            height: i64::from(image.height),
            is_primary: upload.is_primary,
            position: upload.position,
            alt_text,
            created_at: self.clock.now(),
        };
        match self
            .repository
            .add_image(listing_id, &record, MAX_IMAGES_PER_LISTING)
        {
            Ok(image) => Ok(image),
            Err(error) => {
                self.media.delete(&file_name);
                Err(match error {
                    AddImageError::TooManyImages => UploadError::TooManyImages,
                    AddImageError::Store(error) => UploadError::Store(error),
                })
            }
        }
    }

    pub fn update_image(
        &self,
        principal: &Principal,
        kind: ListingKind,
        listing_id: &str,
        image_id: &str,
        input: ImagePatchInput,
    ) -> Result<ListingImage, CatalogError> {
        self.managed_listing(principal, kind, listing_id)?;
        let mut errors = ValidationErrors::new();
        check_position(&mut errors, input.position);
        if input.is_primary == Some(false) {
            errors.add("is_primary", "make another image primary instead");
        }
        let alt_text = input
            .alt_text
            .map(|alt| parse_alt_text(&mut errors, alt.as_deref()));
        errors.into_result().map_err(CatalogError::Invalid)?;
        let update = ImageUpdate {
            is_primary: input.is_primary,
            position: input.position,
            alt_text,
        };
        self.repository
            .update_image(listing_id, image_id, &update)?
            .ok_or(CatalogError::NotFound)
    }

    pub fn delete_image(
        &self,
        principal: &Principal,
        kind: ListingKind,
        listing_id: &str,
        image_id: &str,
    ) -> Result<(), CatalogError> {
        self.managed_listing(principal, kind, listing_id)?;
        let file = self
            .repository
            .delete_image(listing_id, image_id)?
            .ok_or(CatalogError::NotFound)?;
        self.media.delete(&file);
        Ok(())
    }
}

fn may_manage(principal: &Principal, listing: &Listing) -> bool {
    principal.is_admin() || principal.user_id == listing.vendor.user_id
}

/// A stored vendor zone is valid; fall back to UTC if it ever is not.
fn vendor_zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap_or_else(|_| TimeZone::utc())
}

fn category_write_error(error: CategoryWriteError) -> CatalogError {
    match error {
        CategoryWriteError::SlugTaken => CatalogError::CategorySlugTaken,
        CategoryWriteError::Store(error) => CatalogError::Store(error),
    }
}

fn listing_write_error(error: ListingWriteError) -> CatalogError {
    match error {
        ListingWriteError::UnknownCategory => CatalogError::Invalid(ValidationErrors::single(
            "category",
            "is not a known category slug",
        )),
        ListingWriteError::ItemCodeTaken => CatalogError::ItemCodeTaken,
        ListingWriteError::Store(error) => CatalogError::Store(error),
    }
}
