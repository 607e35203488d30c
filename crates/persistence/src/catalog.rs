//! [`CatalogRepository`] over diesel, and [`FsMediaStore`] for uploaded files.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain_accounts::{CountryCode, TimeZone, UserId, VendorProfile};
use domain_catalog::{
    AddImageError, AdventureTerms, BrowseFilter, CancellationPolicy, CatalogRepository, Category,
    CategoryDeletion, CategoryWriteError, EquipmentTerms, ImageUpdate, Listing, ListingDeletion,
    ListingImage, ListingKind, ListingSpec, ListingTerms, ListingWriteError, Location, MediaStore,
    NewImage, PricingUnit, Sort, Storefront, VendorSummary,
};
use domain_core::{Currency, Page, PageRequest, StoreError};

use crate::common::{corrupt, limit_offset, new_id, page_of, utc};
use crate::db::{
    checkout, is_unique_violation, store_error, write_transaction, Backend, DbConnection, DbPool,
};
use crate::schema::{
    adventure_terms, availability_rules, bookings, categories, equipment_terms, listing_images,
    listings, payments, users, vendor_profiles,
};
use crate::sql::browse::{like_pattern, BrowsePage, FreeInWindow};

/// Most listings of each kind a storefront shows (newest first).
pub const STOREFRONT_LIMIT: i64 = 100;

#[derive(Clone)]
pub struct DieselCatalogRepository {
    pool: DbPool,
}

impl DieselCatalogRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = categories)]
struct CategoryRow {
    id: String,
    kind: String,
    slug: String,
    name: String,
}

impl CategoryRow {
    fn into_category(self) -> QueryResult<Category> {
        Ok(Category {
            id: self.id,
            kind: ListingKind::parse(&self.kind).ok_or_else(|| corrupt("category kind"))?,
            slug: self.slug,
            name: self.name,
        })
    }
}

/// A `listings` row as written: the columns a [`Listing`] is read from, plus the category and
/// the search texts (`category_id` is read through the category's slug; only browse filters
/// read the search texts).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = listings)]
#[diesel(treat_none_as_null = true)]
struct ListingRow {
    #[diesel(embed)]
    read: ListingReadRow,
    category_id: String,
    search_text: String,
    location_text: String,
}

/// The columns of `listings` a [`Listing`] is built from: [`ListingRow`] without the category
/// and the search texts (they repeat the title, description and address, and the detail query
/// returns a row per image).
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = listings)]
#[diesel(treat_none_as_null = true)]
struct ListingReadRow {
    id: String,
    kind: String,
    vendor_id: String,
    title: String,
    description: String,
    address: Option<String>,
    city: String,
    region: Option<String>,
    country: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    timezone: String,
    currency: String,
    price: i64,
    lead_time_minutes: i64,
    cancellation_policy: String,
    is_active: bool,
    attributes: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = equipment_terms)]
#[diesel(treat_none_as_null = true)]
struct EquipmentRow {
    listing_id: String,
    vendor_id: String,
    item_code: Option<String>,
    pricing_unit: String,
    daily_cap: Option<i64>,
    weekly_price: Option<i64>,
    quantity: i64,
    min_duration_minutes: Option<i64>,
    max_duration_minutes: Option<i64>,
    buffer_minutes: i64,
    max_advance_days: i64,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = adventure_terms)]
#[diesel(treat_none_as_null = true)]
struct AdventureRow {
    listing_id: String,
    meeting_point: Option<String>,
    duration_minutes: i64,
    capacity: i64,
    min_participants: i64,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = listing_images)]
struct ImageRow {
    id: String,
    listing_id: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    width: i64,
    height: i64,
    is_primary: bool,
    position: i64,
    alt_text: Option<String>,
    created_at: NaiveDateTime,
}

impl From<ImageRow> for ListingImage {
    fn from(row: ImageRow) -> Self {
        Self {
            id: row.id,
            listing_id: row.listing_id,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            width: row.width,
            height: row.height,
            is_primary: row.is_primary,
            position: row.position,
            alt_text: row.alt_text,
            created_at: utc(row.created_at),
        }
    }
}

/// Lower-cased text searched by `q` and by `location`.
fn search_texts(spec: &ListingSpec) -> (String, String) {
    let search = format!("{}\n{}", spec.title, spec.description).to_lowercase();
    let location = &spec.location;
    let parts = [
        location.address.as_deref(),
        Some(location.city.as_str()),
        location.region.as_deref(),
        Some(location.country.as_str()),
    ];
    let location_text = parts
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    (search, location_text)
}

fn listing_row(
    id: &str,
    vendor: &str,
    category_id: &str,
    spec: &ListingSpec,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
) -> ListingRow {
    let (search_text, location_text) = search_texts(spec);
    ListingRow {
        read: ListingReadRow {
            id: id.to_owned(),
            kind: spec.kind().as_str().to_owned(),
            vendor_id: vendor.to_owned(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            address: spec.location.address.clone(),
            city: spec.location.city.clone(),
            region: spec.location.region.clone(),
            country: spec.location.country.as_str().to_owned(),
            latitude: spec.location.coordinates.map(|c| c.0),
            longitude: spec.location.coordinates.map(|c| c.1),
            timezone: spec.timezone.name().to_owned(),
            currency: spec.currency.code().to_owned(),
            price: spec.price,
            lead_time_minutes: spec.lead_time_minutes,
            cancellation_policy: spec.cancellation_policy.as_str().to_owned(),
            is_active: spec.is_active,
            attributes: serde_json::Value::Object(spec.attributes.clone()).to_string(),
            created_at,
            updated_at,
        },
        category_id: category_id.to_owned(),
        search_text,
        location_text,
    }
}

fn equipment_row(id: &str, vendor: &str, terms: &EquipmentTerms) -> EquipmentRow {
    EquipmentRow {
        listing_id: id.to_owned(),
        vendor_id: vendor.to_owned(),
        item_code: terms.item_code.clone(),
        pricing_unit: terms.pricing_unit.as_str().to_owned(),
        daily_cap: terms.daily_cap,
        weekly_price: terms.weekly_price,
        quantity: terms.quantity,
        min_duration_minutes: terms.min_duration_minutes,
        max_duration_minutes: terms.max_duration_minutes,
        buffer_minutes: terms.buffer_minutes,
        max_advance_days: terms.max_advance_days,
    }
}

fn adventure_row(id: &str, terms: &AdventureTerms) -> AdventureRow {
    AdventureRow {
        listing_id: id.to_owned(),
        meeting_point: terms.meeting_point.clone(),
        duration_minutes: terms.duration_minutes,
        capacity: terms.capacity,
        min_participants: terms.min_participants,
    }
}

/// `listings` joined to its category, its vendor's profile and its terms (equipment or
/// adventure, whichever it has): what [`ListingRecord`] is read from, in [`one_listing`],
/// [`load_listings`] and [`item_listing`] (which join images or weekly rules to it).
#[diesel::dsl::auto_type]
fn listing_join() -> _ {
    listings::table
        .inner_join(categories::table)
        .inner_join(vendor_profiles::table.on(vendor_profiles::user_id.eq(listings::vendor_id)))
        .left_join(equipment_terms::table)
        .left_join(adventure_terms::table)
}

/// One listing as loaded by [`load_listings`], before images are attached.
#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(Backend))]
struct ListingRecord {
    #[diesel(embed)]
    row: ListingReadRow,
    #[diesel(select_expression = categories::slug)]
    category: String,
    #[diesel(select_expression = vendor_profiles::slug)]
    vendor_slug: String,
    #[diesel(select_expression = vendor_profiles::business_name)]
    business_name: String,
    #[diesel(select_expression = listings::vendor_active)]
    vendor_active: bool,
    #[diesel(embed)]
    equipment: Option<EquipmentRow>,
    #[diesel(embed)]
    adventure: Option<AdventureRow>,
}

fn into_listing(record: ListingRecord, images: Vec<ListingImage>) -> QueryResult<Listing> {
    let ListingRecord {
        row,
        category,
        vendor_slug,
        business_name,
        vendor_active,
        equipment,
        adventure,
    } = record;
    let terms = match (row.kind.as_str(), equipment, adventure) {
        ("equipment", Some(t), _) => ListingTerms::Equipment(EquipmentTerms {
            item_code: t.item_code,
            pricing_unit: PricingUnit::parse(&t.pricing_unit)
                .map_err(|_| corrupt("pricing unit"))?,
            daily_cap: t.daily_cap,
            weekly_price: t.weekly_price,
            quantity: t.quantity,
            min_duration_minutes: t.min_duration_minutes,
            max_duration_minutes: t.max_duration_minutes,
            buffer_minutes: t.buffer_minutes,
            max_advance_days: t.max_advance_days,
        }),
        ("adventure", _, Some(t)) => ListingTerms::Adventure(AdventureTerms {
            meeting_point: t.meeting_point,
            duration_minutes: t.duration_minutes,
            capacity: t.capacity,
            min_participants: t.min_participants,
        }),
        _ => return Err(corrupt("listing terms")),
    };
    let attributes = match serde_json::from_str(&row.attributes) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(corrupt("attributes")),
    };
    let spec = ListingSpec {
        category,
        title: row.title,
        description: row.description,
        location: Location {
            address: row.address,
            city: row.city,
            region: row.region,
            country: CountryCode::parse(&row.country).map_err(|_| corrupt("country"))?,
            coordinates: row.latitude.zip(row.longitude),
        },
        timezone: TimeZone::parse(&row.timezone).map_err(|_| corrupt("time zone"))?,
        currency: Currency::parse(&row.currency).map_err(|_| corrupt("currency"))?,
        price: row.price,
        lead_time_minutes: row.lead_time_minutes,
        cancellation_policy: CancellationPolicy::parse(&row.cancellation_policy)
            .map_err(|_| corrupt("cancellation policy"))?,
        is_active: row.is_active,
        attributes,
        terms,
    };
    Ok(Listing {
        id: row.id,
        vendor: VendorSummary {
            user_id: UserId(row.vendor_id),
            slug: vendor_slug,
            business_name,
        },
        vendor_active,
        spec,
        images,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// Loads listings by id, in the order of `ids`, with vendor, category and images: one query
/// whatever the number of ids (a row per image, as in [`one_listing`]).
fn load_listings(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Listing>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ListingImageRecord> = listing_join()
        .left_join(listing_images::table)
        .filter(listings::id.eq_any(ids))
        .order((
            listings::id,
            listing_images::is_primary.desc(),
            listing_images::position,
            listing_images::created_at,
            listing_images::id,
        ))
        .select(ListingImageRecord::as_select())
        .load(conn)?;
    let mut by_id: HashMap<String, (ListingRecord, Vec<ListingImage>)> = group_images(rows)
        .into_iter()
        .map(|(record, images)| (record.row.id.clone(), (record, images)))
        .collect();
    ids.iter()
        .filter_map(|id| by_id.remove(id))
        .map(|(record, images)| into_listing(record, images))
        .collect()
}

/// Rows of a listing-and-image join, a row per image, ordered so that the rows of one listing
/// are adjacent: each listing once, in order, with its images.
fn group_images(
    rows: impl IntoIterator<Item = ListingImageRecord>,
) -> Vec<(ListingRecord, Vec<ListingImage>)> {
    let mut grouped: Vec<(ListingRecord, Vec<ListingImage>)> = Vec::new();
    for row in rows {
        let image = row.image.map(ListingImage::from);
        match grouped.last_mut() {
            Some((listing, images)) if listing.row.id == row.listing.row.id => {
                images.extend(image);
            }
            _ => grouped.push((row.listing, image.into_iter().collect())),
        }
    }
    grouped
}

/// The public listings of `kind` matching `filter`, as a boxed query over `listings` alone:
/// the vendor must be active, which `listings.vendor_active` (a copy of `users.is_active` kept
/// by triggers, migration `2026-11-25-000007_performance_2`) says without joining `users`. The
/// category and vendor slugs are resolved by sub-selects, so no other table is joined per row. Every part is safe for diesel to cache as a prepared
/// statement (one per combination of filters), so PostgreSQL plans it once per connection.
macro_rules! public_listings {
    ($kind:expr, $filter:expr) => {{
        let filter: &BrowseFilter = $filter;
        let kind: ListingKind = $kind;
        let mut query = listings::table
            .filter(listings::kind.eq(kind.as_str()))
            .filter(listings::is_active.eq(true))
            .filter(listings::vendor_active.eq(true))
            .into_boxed::<Backend>();
        if let Some(category) = &filter.category {
            query = query.filter(
                listings::category_id.eq_any(
                    categories::table
                        .filter(categories::kind.eq(kind.as_str()))
                        .filter(categories::slug.eq(category.clone()))
                        .select(categories::id),
                ),
            );
        }
        if let Some(location) = &filter.location {
            query = query.filter(
                listings::location_text
                    .like(like_pattern(location))
                    .escape('\\'),
            );
        }
        if let Some(q) = &filter.q {
            query = query.filter(listings::search_text.like(like_pattern(q)).escape('\\'));
        }
        if let Some(min) = filter.min_price {
            query = query.filter(listings::price.ge(min));
        }
        if let Some(max) = filter.max_price {
            query = query.filter(listings::price.le(max));
        }
        if let Some(vendor) = &filter.vendor {
            query = query.filter(
                listings::vendor_id.eq_any(
                    vendor_profiles::table
                        .filter(vendor_profiles::slug.eq(vendor.clone()))
                        .select(vendor_profiles::user_id),
                ),
            );
        }
        if let Some(window) = filter.available {
            let free = FreeInWindow {
                kind,
                from: window.from.naive_utc(),
                to: window.to.naive_utc(),
                now: window.now.naive_utc(),
                amount: window.amount,
            };
            query = query.filter(free);
        }
        query
    }};
}

fn category_id(
    conn: &mut DbConnection,
    kind: ListingKind,
    slug: &str,
) -> QueryResult<Option<String>> {
    categories::table
        .filter(categories::kind.eq(kind.as_str()))
        .filter(categories::slug.eq(slug))
        .select(categories::id)
        .first(conn)
        .optional()
}

enum WriteFailure {
    Diesel(diesel::result::Error),
    UnknownCategory,
}

impl From<diesel::result::Error> for WriteFailure {
    fn from(error: diesel::result::Error) -> Self {
        Self::Diesel(error)
    }
}

fn listing_write_error(failure: WriteFailure) -> ListingWriteError {
    match failure {
        WriteFailure::UnknownCategory => ListingWriteError::UnknownCategory,
        WriteFailure::Diesel(error)
            if is_unique_violation(
                &error,
                "equipment_terms_vendor_item_code_key",
                "equipment_terms.vendor_id, equipment_terms.item_code",
            ) =>
        {
            ListingWriteError::ItemCodeTaken
        }
        WriteFailure::Diesel(error) => ListingWriteError::Store(store_error(error)),
    }
}

fn write_terms(
    conn: &mut DbConnection,
    id: &str,
    vendor: &str,
    spec: &ListingSpec,
    replace: bool,
) -> QueryResult<()> {
    match &spec.terms {
        ListingTerms::Equipment(terms) => {
            let row = equipment_row(id, vendor, terms);
            if replace {
                diesel::update(equipment_terms::table.find(id))
                    .set(&row)
                    .execute(conn)?;
            } else {
                diesel::insert_into(equipment_terms::table)
                    .values(&row)
                    .execute(conn)?;
            }
        }
        ListingTerms::Adventure(terms) => {
            let row = adventure_row(id, terms);
            if replace {
                diesel::update(adventure_terms::table.find(id))
                    .set(&row)
                    .execute(conn)?;
            } else {
                diesel::insert_into(adventure_terms::table)
                    .values(&row)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// One row of [`one_listing`]: the listing and one of its images (none when it has none).
#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(Backend))]
struct ListingImageRecord {
    #[diesel(embed)]
    listing: ListingRecord,
    #[diesel(embed)]
    image: Option<ImageRow>,
}

/// One listing by id with vendor, category and images, in one query (a row per image).
fn one_listing(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Listing>> {
    let rows: Vec<ListingImageRecord> = listing_join()
        .left_join(listing_images::table)
        .filter(listings::id.eq(id))
        .order((
            listing_images::is_primary.desc(),
            listing_images::position,
            listing_images::created_at,
            listing_images::id,
        ))
        .select(ListingImageRecord::as_select())
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let images = first
        .image
        .into_iter()
        .chain(rows.filter_map(|row| row.image))
        .map(ListingImage::from)
        .collect();
    into_listing(first.listing, images).map(Some)
}

/// A weekly rule as `availability_rules` stores it: `weekday`, `start_time`, `end_time`.
pub(crate) type StoredRule = (i64, String, String);

/// The equipment listing `id` (in any state, without images) and its weekly rules (by
/// weekday, then start), in one query with a row per rule, as [`one_listing`] has a row per
/// image. `None` when no equipment listing has this id.
pub(crate) fn item_listing(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(Listing, Vec<StoredRule>)>> {
    let rows: Vec<(ListingRecord, Option<StoredRule>)> = listing_join()
        .left_join(availability_rules::table)
        .filter(listings::id.eq(id))
        .filter(listings::kind.eq(ListingKind::Equipment.as_str()))
        .order((availability_rules::weekday, availability_rules::start_time))
        .select((
            ListingRecord::as_select(),
            (
                availability_rules::weekday,
                availability_rules::start_time,
                availability_rules::end_time,
            )
                .nullable(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((record, first_rule)) = rows.next() else {
        return Ok(None);
    };
    let rules = first_rule
        .into_iter()
        .chain(rows.filter_map(|(_, rule)| rule))
        .collect();
    Ok(Some((into_listing(record, Vec::new())?, rules)))
}

impl CatalogRepository for DieselCatalogRepository {
    fn list_categories(&self, kind: ListingKind) -> Result<Vec<Category>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        categories::table
            .filter(categories::kind.eq(kind.as_str()))
            .order((categories::name, categories::slug))
            .select(CategoryRow::as_select())
            .load(&mut *conn)
            .and_then(|rows| rows.into_iter().map(CategoryRow::into_category).collect())
            .map_err(store_error)
    }

    fn create_category(
        &self,
        kind: ListingKind,
        slug: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Category, CategoryWriteError> {
        let mut conn = checkout(&self.pool)?;
        let id = new_id();
        diesel::insert_into(categories::table)
            .values((
                categories::id.eq(&id),
                categories::kind.eq(kind.as_str()),
                categories::slug.eq(slug),
                categories::name.eq(name),
                categories::created_at.eq(now.naive_utc()),
                categories::updated_at.eq(now.naive_utc()),
            ))
            .execute(&mut *conn)
            .map_err(category_error)?;
        Ok(Category {
            id,
            kind,
            slug: slug.to_owned(),
            name: name.to_owned(),
        })
    }

    fn update_category<'a>(
        &self,
        kind: ListingKind,
        id: &str,
        slug: Option<&'a str>,
        name: Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Category>, CategoryWriteError> {
        #[derive(AsChangeset)]
        #[diesel(table_name = categories)]
        struct Changes<'a> {
            slug: Option<&'a str>,
            name: Option<&'a str>,
            updated_at: NaiveDateTime,
        }
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let target = categories::table
                .filter(categories::id.eq(id))
                .filter(categories::kind.eq(kind.as_str()));
            let changed = diesel::update(target)
                .set(Changes {
                    slug,
                    name,
                    updated_at: now.naive_utc(),
                })
                .execute(conn)?;
            if changed == 0 {
                return Ok(None);
            }
            categories::table
                .find(id)
                .select(CategoryRow::as_select())
                .first(conn)?
                .into_category()
                .map(Some)
        })
        .map_err(category_error)
    }

    fn delete_category(&self, kind: ListingKind, id: &str) -> Result<CategoryDeletion, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let exists: bool = diesel::select(diesel::dsl::exists(
                categories::table
                    .filter(categories::id.eq(id))
                    .filter(categories::kind.eq(kind.as_str())),
            ))
            .get_result(conn)?;
            if !exists {
                return Ok(CategoryDeletion::NotFound);
            }
            let used: bool = diesel::select(diesel::dsl::exists(
                listings::table.filter(listings::category_id.eq(id)),
            ))
            .get_result(conn)?;
            if used {
                return Ok(CategoryDeletion::InUse);
            }
            diesel::delete(categories::table.find(id)).execute(conn)?;
            Ok(CategoryDeletion::Deleted)
        })
        .map_err(store_error)
    }

    fn vendor_timezone(&self, vendor: &UserId) -> Result<Option<String>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        vendor_profiles::table
            .find(&vendor.0)
            .select(vendor_profiles::timezone)
            .first(&mut *conn)
            .optional()
            .map_err(store_error)
    }

    fn create_listing(
        &self,
        vendor: &UserId,
        spec: &ListingSpec,
        now: DateTime<Utc>,
    ) -> Result<Listing, ListingWriteError> {
        let mut conn = checkout(&self.pool)?;
        let id = new_id();
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let category = category_id(conn, spec.kind(), &spec.category)?
                .ok_or(WriteFailure::UnknownCategory)?;
            diesel::insert_into(listings::table)
                .values(listing_row(&id, &vendor.0, &category, spec, at, at))
                .execute(conn)?;
            write_terms(conn, &id, &vendor.0, spec, false)?;
            one_listing(conn, &id)?.ok_or(WriteFailure::Diesel(diesel::result::Error::NotFound))
        })
        .map_err(listing_write_error)
    }

    fn find_listing(&self, kind: ListingKind, id: &str) -> Result<Option<Listing>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let listing = one_listing(&mut conn, id).map_err(store_error)?;
        Ok(listing.filter(|listing| listing.spec.kind() == kind))
    }

    fn update_listing(
        &self,
        kind: ListingKind,
        id: &str,
        spec: &ListingSpec,
        now: DateTime<Utc>,
    ) -> Result<Option<Listing>, ListingWriteError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let current: Option<(String, NaiveDateTime)> = listings::table
                .filter(listings::id.eq(id))
                .filter(listings::kind.eq(kind.as_str()))
                .select((listings::vendor_id, listings::created_at))
                .first(conn)
                .optional()?;
            let Some((vendor, created_at)) = current else {
                return Ok(None);
            };
            let category =
                category_id(conn, kind, &spec.category)?.ok_or(WriteFailure::UnknownCategory)?;
            diesel::update(listings::table.find(id))
                .set(listing_row(
                    id,
                    &vendor,
                    &category,
                    spec,
                    created_at,
                    now.naive_utc(),
                ))
                .execute(conn)?;
            write_terms(conn, id, &vendor, spec, true)?;
            Ok(one_listing(conn, id)?)
        })
        .map_err(listing_write_error)
    }

    fn delete_listing(
        &self,
        kind: ListingKind,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<ListingDeletion, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            // Lock out concurrent booking requests for this listing while deciding.
            if let DbConnection::Postgresql(pg) = conn {
                listings::table
                    .find(id)
                    .select(listings::id)
                    .for_update()
                    .first::<String>(pg)
                    .optional()?;
            }
            let live: bool = diesel::select(diesel::dsl::exists(
                bookings::table
                    .filter(bookings::listing_id.eq(id))
                    .filter(bookings::status.eq_any(["requested", "approved", "confirmed"]))
                    .filter(bookings::ends_at.gt(now.naive_utc())),
            ))
            .get_result(conn)?;
            if live {
                return Ok(ListingDeletion::HasFutureBookings);
            }
            let paid: bool = diesel::select(diesel::dsl::exists(
                payments::table
                    .inner_join(bookings::table.on(bookings::id.eq(payments::booking_id)))
                    .filter(bookings::listing_id.eq(id)),
            ))
            .get_result(conn)?;
            if paid {
                return Ok(ListingDeletion::HasPayments);
            }
            let files: Vec<String> = listing_images::table
                .filter(listing_images::listing_id.eq(id))
                .select(listing_images::file_name)
                .load(conn)?;
            diesel::delete(bookings::table.filter(bookings::listing_id.eq(id))).execute(conn)?;
            diesel::delete(
                listings::table
                    .filter(listings::id.eq(id))
                    .filter(listings::kind.eq(kind.as_str())),
            )
            .execute(conn)?;
            Ok(ListingDeletion::Deleted(files))
        })
        .map_err(store_error)
    }

    fn browse(
        &self,
        kind: ListingKind,
        filter: &BrowseFilter,
        page: PageRequest,
    ) -> Result<Page<Listing>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let (limit, offset) = limit_offset(page);
        let run = |conn: &mut DbConnection| -> QueryResult<Page<Listing>> {
            // `COUNT(*) OVER ()`: the number of matches on every row, so one query gives the page
            // and the total.
            let query = public_listings!(kind, filter)
                .select((listings::id, diesel::dsl::count_star().over()));
            let query = match filter.sort {
                Sort::Newest => query.order((listings::created_at.desc(), listings::id.desc())),
                Sort::PriceAscending => query.order((listings::price.asc(), listings::id.asc())),
                Sort::PriceDescending => query.order((listings::price.desc(), listings::id.asc())),
            };
            let rows: Vec<(i64, ListingImageRecord)> = BrowsePage::new(
                query.limit(limit).offset(offset),
                filter.sort,
                ListingImageRecord::as_select(),
            )
            .load(conn)?;
            let total = match rows.first() {
                Some((total, _)) => *total,
                // A page past the end has no row to carry the total.
                None if offset > 0 => public_listings!(kind, filter).count().get_result(conn)?,
                None => 0,
            };
            let items = group_images(rows.into_iter().map(|(_, row)| row))
                .into_iter()
                .map(|(record, images)| into_listing(record, images))
                .collect::<QueryResult<Vec<Listing>>>()?;
            Ok(page_of(items, page, total))
        };
        run(conn).map_err(store_error)
    }

    fn vendor_listings(
        &self,
        vendor: &UserId,
        kind: ListingKind,
        page: PageRequest,
    ) -> Result<Page<Listing>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let (limit, offset) = limit_offset(page);
        let mine = || {
            listings::table
                .filter(listings::vendor_id.eq(&vendor.0))
                .filter(listings::kind.eq(kind.as_str()))
        };
        let run = |conn: &mut DbConnection| -> QueryResult<Page<Listing>> {
            let total: i64 = mine().count().get_result(conn)?;
            let ids: Vec<String> = mine()
                .order((listings::created_at.desc(), listings::id.desc()))
                .select(listings::id)
                .limit(limit)
                .offset(offset)
                .load(conn)?;
            Ok(page_of(load_listings(conn, &ids)?, page, total))
        };
        run(conn).map_err(store_error)
    }

    fn add_image(
        &self,
        listing_id: &str,
        image: &NewImage,
        max_images: usize,
    ) -> Result<ListingImage, AddImageError> {
        enum Failure {
            Diesel(diesel::result::Error),
            TooMany,
        }
        impl From<diesel::result::Error> for Failure {
            fn from(error: diesel::result::Error) -> Self {
                Self::Diesel(error)
            }
        }
        let mut conn = checkout(&self.pool)?;
        let result = write_transaction(&mut conn, |conn| {
            // Serialise uploads to one listing (SQLite already is, by BEGIN IMMEDIATE).
            if let DbConnection::Postgresql(pg) = conn {
                listings::table
                    .find(listing_id)
                    .select(listings::id)
                    .for_update()
                    .first::<String>(pg)?;
            }
            let existing: Vec<(bool, i64)> = listing_images::table
                .filter(listing_images::listing_id.eq(listing_id))
                .select((listing_images::is_primary, listing_images::position))
                .load(conn)?;
            if existing.len() >= max_images {
                return Err(Failure::TooMany);
            }
            let primary = existing.is_empty() || image.is_primary == Some(true);
            if primary && !existing.is_empty() {
                diesel::update(
                    listing_images::table.filter(listing_images::listing_id.eq(listing_id)),
                )
                .set(listing_images::is_primary.eq(false))
                .execute(conn)?;
            }
            let position = image
                .position
                .unwrap_or_else(|| existing.iter().map(|(_, p)| p + 1).max().unwrap_or(0));
            let row = ImageRow {
                id: new_id(),
                listing_id: listing_id.to_owned(),
                file_name: image.file_name.clone(),
                content_type: image.content_type.clone(),
                size_bytes: image.size_bytes,
                width: image.width,
                height: image.height,
                is_primary: primary,
                position,
                alt_text: image.alt_text.clone(),
                created_at: image.created_at.naive_utc(),
            };
            diesel::insert_into(listing_images::table)
                .values(&row)
                .execute(conn)?;
            Ok(ListingImage::from(row))
        });
        match result {
            Ok(image) => Ok(image),
            Err(Failure::TooMany) => Err(AddImageError::TooManyImages),
            Err(Failure::Diesel(error)) => Err(AddImageError::Store(store_error(error))),
        }
    }

    fn update_image(
        &self,
        listing_id: &str,
        image_id: &str,
        update: &ImageUpdate,
    ) -> Result<Option<ListingImage>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let target = listing_images::table
                .filter(listing_images::listing_id.eq(listing_id))
                .filter(listing_images::id.eq(image_id));
            let exists: bool = diesel::select(diesel::dsl::exists(target)).get_result(conn)?;
            if !exists {
                return Ok(None);
            }
            if update.is_primary == Some(true) {
                diesel::update(
                    listing_images::table.filter(listing_images::listing_id.eq(listing_id)),
                )
                .set(listing_images::is_primary.eq(listing_images::id.eq(image_id)))
                .execute(conn)?;
            }
            if let Some(position) = update.position {
                diesel::update(target)
                    .set(listing_images::position.eq(position))
                    .execute(conn)?;
            }
            if let Some(alt_text) = &update.alt_text {
                diesel::update(target)
                    .set(listing_images::alt_text.eq(alt_text.as_deref()))
                    .execute(conn)?;
            }
            let row: ImageRow = target.select(ImageRow::as_select()).first(conn)?;
            Ok(Some(row.into()))
        })
        .map_err(store_error)
    }

    fn delete_image(&self, listing_id: &str, image_id: &str) -> Result<Option<String>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let target = listing_images::table
                .filter(listing_images::listing_id.eq(listing_id))
                .filter(listing_images::id.eq(image_id));
            let Some((file, was_primary)) = target
                .select((listing_images::file_name, listing_images::is_primary))
                .first::<(String, bool)>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            diesel::delete(target).execute(conn)?;
            if was_primary {
                let next: Option<String> = listing_images::table
                    .filter(listing_images::listing_id.eq(listing_id))
                    .order((
                        listing_images::position,
                        listing_images::created_at,
                        listing_images::id,
                    ))
                    .select(listing_images::id)
                    .first(conn)
                    .optional()?;
                if let Some(next) = next {
                    diesel::update(listing_images::table.find(next))
                        .set(listing_images::is_primary.eq(true))
                        .execute(conn)?;
                }
            }
            Ok(Some(file))
        })
        .map_err(store_error)
    }

    fn storefront(&self, slug: &str) -> Result<Option<Storefront>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let run = |conn: &mut DbConnection| -> QueryResult<Option<Storefront>> {
            let profile = vendor_profiles::table
                .inner_join(users::table)
                .filter(vendor_profiles::slug.eq(slug))
                .filter(users::is_active.eq(true))
                .select(crate::accounts::VendorRow::as_select())
                .first::<crate::accounts::VendorRow>(conn)
                .optional()?;
            let Some(profile) = profile else {
                return Ok(None);
            };
            let filter = BrowseFilter {
                vendor: Some(slug.to_owned()),
                ..BrowseFilter::default()
            };
            let mut load = |kind: ListingKind| -> QueryResult<Vec<Listing>> {
                let ids: Vec<String> = public_listings!(kind, &filter)
                    .select(listings::id)
                    .order((listings::created_at.desc(), listings::id.desc()))
                    .limit(STOREFRONT_LIMIT)
                    .load(conn)?;
                load_listings(conn, &ids)
            };
            let equipment = load(ListingKind::Equipment)?;
            let adventures = load(ListingKind::Adventure)?;
            Ok(Some(Storefront {
                vendor: VendorProfile::from(profile),
                equipment,
                adventures,
            }))
        };
        run(conn).map_err(store_error)
    }
}

fn category_error(error: diesel::result::Error) -> CategoryWriteError {
    if is_unique_violation(
        &error,
        "categories_kind_slug_key",
        "categories.kind, categories.slug",
    ) {
        CategoryWriteError::SlugTaken
    } else {
        CategoryWriteError::Store(store_error(error))
    }
}

/// Uploaded files in a folder (`MEDIA_ROOT`), served under `/media/`.
#[derive(Debug, Clone)]
pub struct FsMediaStore {
    root: PathBuf,
}

impl FsMediaStore {
    /// Creates the folder if needed.
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &std::path::Path {
        &self.root
    }
}

impl MediaStore for FsMediaStore {
    fn save(&self, extension: &str, bytes: &[u8]) -> Result<String, StoreError> {
        use std::io::Write;
        // 122 random bits: names cannot be guessed or enumerated.
        let name = format!("{}.{extension}", uuid::Uuid::new_v4().simple());
        let partial = self.root.join(format!(".{name}.part"));
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&partial)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&partial, self.root.join(&name))
        };
        write().map_err(|error| {
            let _ = std::fs::remove_file(&partial);
            StoreError::unexpected(error)
        })?;
        Ok(name)
    }

    fn delete(&self, file_name: &str) {
        // Only plain names we made ever get here; refuse anything that could leave the root.
        if file_name.contains(['/', '\\']) || file_name.starts_with('.') {
            tracing::warn!(file_name, "refusing to delete a suspicious media path");
            return;
        }
        match std::fs::remove_file(self.root.join(file_name)) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => tracing::warn!(file_name, %error, "cannot delete media file"),
        }
    }
}
