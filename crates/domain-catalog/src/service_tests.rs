//! Catalog service tests with mockall doubles of its ports.

use std::sync::Arc;

use chrono::{TimeZone as _, Utc};
use domain_accounts::{Principal, Role, UserId};
use domain_core::{MockClock, StoreError};

use crate::*;

const PNG: &[u8] = include_bytes!("../tests/fixtures/tiny.png");

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock
        .expect_now()
        .returning(|| Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap());
    clock
}

fn service(repository: MockCatalogRepository, media: MockMediaStore) -> CatalogService {
    CatalogService::new(
        Arc::new(repository),
        Arc::new(media),
        Arc::new(clock()),
        1024,
    )
}

fn principal(id: &str, role: Role) -> Principal {
    Principal {
        user_id: UserId(id.into()),
        role,
    }
}

fn listing(vendor: &str, active: bool) -> Listing {
    let input = ListingInput {
        category: Some("boat".into()),
        title: Some("Boat".into()),
        city: Some("Lagos".into()),
        country: Some("PT".into()),
        currency: Some("EUR".into()),
        pricing_unit: Some("hour".into()),
        unit_price: Some(100),
        is_active: Some(active),
        ..ListingInput::default()
    };
    Listing {
        id: "l1".into(),
        vendor: VendorSummary {
            user_id: UserId(vendor.into()),
            slug: "shop".into(),
            business_name: "Shop".into(),
        },
        vendor_active: true,
        spec: input
            .parse(ListingKind::Equipment, domain_accounts::TimeZone::utc())
            .unwrap(),
        images: vec![],
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn owned_by(vendor: &'static str, active: bool) -> MockCatalogRepository {
    let mut repository = MockCatalogRepository::new();
    repository
        .expect_find_listing()
        .returning(move |_, _| Ok(Some(listing(vendor, active))));
    repository
}

#[test]
fn another_vendor_gets_not_found_and_nothing_changes() {
    let mut repository = owned_by("owner", true);
    repository.expect_update_listing().never();
    repository.expect_delete_listing().never();
    let service = service(repository, MockMediaStore::new());
    let intruder = principal("intruder", Role::Vendor);
    let patch = ListingInput {
        title: Some("Mine now".into()),
        ..ListingInput::default()
    };
    assert!(matches!(
        service.update_listing(&intruder, ListingKind::Equipment, "l1", patch),
        Err(CatalogError::NotFound)
    ));
    assert!(matches!(
        service.delete_listing(&intruder, ListingKind::Equipment, "l1"),
        Err(CatalogError::NotFound)
    ));
}

#[test]
fn inactive_listings_are_visible_only_to_their_vendor_and_admins() {
    let service = service(owned_by("owner", false), MockMediaStore::new());
    let kind = ListingKind::Equipment;
    assert!(matches!(
        service.listing(None, kind, "l1"),
        Err(CatalogError::NotFound)
    ));
    let stranger = principal("stranger", Role::Customer);
    assert!(service.listing(Some(&stranger), kind, "l1").is_err());
    assert!(service
        .listing(Some(&principal("owner", Role::Vendor)), kind, "l1")
        .is_ok());
    assert!(service
        .listing(Some(&principal("boss", Role::Admin)), kind, "l1")
        .is_ok());
}

#[test]
fn customers_and_admins_cannot_create_listings() {
    let mut repository = MockCatalogRepository::new();
    repository.expect_create_listing().never();
    let service = service(repository, MockMediaStore::new());
    for role in [Role::Customer, Role::Admin] {
        assert!(matches!(
            service.create_listing(
                &principal("u", role),
                ListingKind::Equipment,
                ListingInput::default()
            ),
            Err(CatalogError::Forbidden)
        ));
    }
}

#[test]
fn an_upload_of_a_non_image_stores_nothing() {
    let mut media = MockMediaStore::new();
    media.expect_save().never();
    let mut repository = owned_by("owner", true);
    repository.expect_add_image().never();
    let service = service(repository, media);
    let upload = ImageUpload {
        bytes: b"plain text pretending to be a jpeg".to_vec(),
        ..ImageUpload::default()
    };
    assert!(matches!(
        service.add_image(
            &principal("owner", Role::Vendor),
            ListingKind::Equipment,
            "l1",
            upload
        ),
        Err(UploadError::UnsupportedType)
    ));
}

#[test]
fn an_upload_over_the_limit_stores_nothing() {
    let mut media = MockMediaStore::new();
    media.expect_save().never();
    let service = service(owned_by("owner", true), media);
    let upload = ImageUpload {
        bytes: vec![0; 1025],
        ..ImageUpload::default()
    };
    assert!(matches!(
        service.add_image(
            &principal("owner", Role::Vendor),
            ListingKind::Equipment,
            "l1",
            upload
        ),
        Err(UploadError::TooLarge { max_bytes: 1024 })
    ));
}

#[test]
fn a_refused_image_record_removes_the_saved_file() {
    let mut media = MockMediaStore::new();
    media
        .expect_save()
        .withf(|extension, _| extension == "png")
        .times(1)
        .returning(|_, _| Ok("abc.png".into()));
    media
        .expect_delete()
        .withf(|name| name == "abc.png")
        .times(1)
        .return_const(());
    let mut repository = owned_by("owner", true);
    repository
        .expect_add_image()
        .withf(|listing, image, max| {
            listing == "l1" && image.file_name == "abc.png" && image.width == 5 && *max == 20
        })
        .returning(|_, _, _| Err(AddImageError::TooManyImages));
    let service = service(repository, media);
    let upload = ImageUpload {
        bytes: PNG.to_vec(),
        ..ImageUpload::default()
    };
    assert!(matches!(
        service.add_image(
            &principal("owner", Role::Vendor),
            ListingKind::Equipment,
            "l1",
            upload
        ),
        Err(UploadError::TooManyImages)
    ));
}

#[test]
fn deleting_a_listing_removes_its_files_after_the_records() {
    let mut repository = owned_by("owner", true);
    repository
        .expect_delete_listing()
        .times(1)
        .returning(|_, _, _| {
            Ok(ListingDeletion::Deleted(vec![
                "a.png".into(),
                "b.jpg".into(),
            ]))
        });
    let mut media = MockMediaStore::new();
    media.expect_delete().times(2).return_const(());
    let service = service(repository, media);
    service
        .delete_listing(
            &principal("boss", Role::Admin),
            ListingKind::Equipment,
            "l1",
        )
        .unwrap();
}

#[test]
fn only_admins_manage_categories_and_unknown_ones_are_not_found() {
    let mut repository = MockCatalogRepository::new();
    repository.expect_create_category().never();
    repository
        .expect_update_category()
        .returning(|_, _, _, _, _| Ok(None));
    repository
        .expect_delete_category()
        .returning(|_, _| Ok(CategoryDeletion::InUse));
    let service = service(repository, MockMediaStore::new());
    let vendor = principal("v", Role::Vendor);
    assert!(matches!(
        service.create_category(
            &vendor,
            ListingKind::Equipment,
            Some("kayak"),
            Some("Kayaks")
        ),
        Err(CatalogError::Forbidden)
    ));
    let admin = principal("a", Role::Admin);
    assert!(matches!(
        service.update_category(&admin, ListingKind::Equipment, "x", None, Some("Name")),
        Err(CatalogError::NotFound)
    ));
    assert!(matches!(
        service.delete_category(&admin, ListingKind::Equipment, "x"),
        Err(CatalogError::CategoryInUse)
    ));
}

#[test]
fn store_failures_pass_through() {
    let mut repository = MockCatalogRepository::new();
    repository
        .expect_list_categories()
        .returning(|_| Err(StoreError::unavailable("down")));
    let service = service(repository, MockMediaStore::new());
    assert!(matches!(
        service.categories(ListingKind::Adventure),
        Err(StoreError::Unavailable(_))
    ));
}

#[test]
fn a_listing_with_future_bookings_is_not_deleted_and_keeps_its_files() {
    let mut repository = owned_by("owner", true);
    repository
        .expect_delete_listing()
        .returning(|_, _, _| Ok(ListingDeletion::HasFutureBookings));
    let mut media = MockMediaStore::new();
    media.expect_delete().never();
    let service = service(repository, media);
    assert!(matches!(
        service.delete_listing(
            &principal("owner", Role::Vendor),
            ListingKind::Equipment,
            "l1"
        ),
        Err(CatalogError::HasFutureBookings)
    ));
}
