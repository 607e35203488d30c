//! `BookingService` tested with mockall doubles of its ports: who may book and act, what is
//! judged before the store is asked, how the store's answers become results, and what the
//! decision functions handed to the store decide.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use domain_accounts::{Principal, Role, UserId};
use domain_catalog::Listing;
use domain_catalog::{ListingInput, ListingKind, MockCatalogRepository, VendorSummary};
use domain_core::{Currency, MockClock, Money, Page, PageRequest, ValidationErrors};

use crate::*;

/// Monday 2026-06-01, 06:00 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 6, 0, 0).unwrap()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap()
}

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().returning(now);
    clock
}

fn settings() -> BookingSettings {
    BookingSettings {
        hold: Duration::hours(24),
        payment_window: Duration::hours(12),
        max_active_holds: 5,
    }
}

fn service(
    catalog: MockCatalogRepository,
    availability: MockAvailabilityRepository,
    bookings: MockBookingRepository,
) -> BookingService {
    BookingService::new(
        Arc::new(catalog),
        Arc::new(availability),
        Arc::new(bookings),
        Arc::new(clock()),
        settings(),
    )
}

fn principal(id: &str, role: Role) -> Principal {
    Principal {
        user_id: UserId(id.into()),
        role,
    }
}

fn customer() -> Principal {
    principal("customer", Role::Customer)
}

/// An hourly boat of the vendor `vendor` at 10.00 EUR an hour, `quantity` units, in UTC.
fn boat(quantity: i64) -> Listing {
    let input = ListingInput {
        category: Some("boat".into()),
        title: Some("Boat".into()),
        city: Some("Lagos".into()),
        country: Some("PT".into()),
        currency: Some("EUR".into()),
        pricing_unit: Some("hour".into()),
        unit_price: Some(1000),
        quantity: Some(quantity),
        is_active: Some(true),
        ..ListingInput::default()
    };
    Listing {
        id: "boat".into(),
        vendor: VendorSummary {
            user_id: UserId("vendor".into()),
            slug: "shop".into(),
            business_name: "Shop".into(),
        },
        vendor_active: true,
        spec: input
            .parse(ListingKind::Equipment, domain_accounts::TimeZone::utc())
            .unwrap(),
        images: vec![],
        created_at: now(),
        updated_at: now(),
    }
}

fn item_request(start: DateTime<Utc>, end: DateTime<Utc>, quantity: i64) -> QuoteInput {
    QuoteInput::Equipment {
        equipment_id: "boat".into(),
        start,
        end,
        quantity,
    }
}

fn with_boat(quantity: i64) -> MockAvailabilityRepository {
    let mut availability = MockAvailabilityRepository::new();
    availability.expect_item_listing().returning(move |_| {
        Ok(Some(ItemListing {
            listing: boat(quantity),
            weekly: vec![],
        }))
    });
    availability
}

/// A booking record of `status` made from `new` (what a store would return).
fn record(new: &NewBooking, status: BookingStatus) -> BookingRecord {
    BookingRecord {
        id: "b1".into(),
        listing_id: new.listing_id.clone(),
        listing_kind: ListingKind::Equipment,
        listing_title: "Boat".into(),
        session_id: new.session_id.clone(),
        customer_id: new.customer_id.clone(),
        vendor_id: new.vendor_id.clone(),
        status,
        window: new.window,
        occupied_until: new.occupied_until,
        quantity: new.quantity,
        total: new.quote.total,
        line_items: new.quote.line_items.clone(),
        notes: new.notes.clone(),
        hold_expires_at: new.hold_expires_at,
        payment_due_at: None,
        created_at: new.created_at,
        updated_at: new.created_at,
    }
}

/// A store whose `create` asks `admit` about `admission` and records what it was given.
fn store_judging(admission: Admission, seen: Arc<Mutex<Vec<NewBooking>>>) -> MockBookingRepository {
    let mut bookings = MockBookingRepository::new();
    bookings.expect_create().returning(move |new, _, _, admit| {
        seen.lock().unwrap().push(new.clone());
        Ok(match admit(&admission) {
            Ok(()) => CreateOutcome::Created(record(new, BookingStatus::Requested)),
            Err(reasons) => CreateOutcome::Refused(reasons),
        })
    });
    bookings
}

fn free(quantity: i64) -> Admission {
    Admission::Units {
        quantity,
        occupied: vec![],
    }
}

#[test]
fn only_customers_book_and_the_store_is_not_asked_otherwise() {
    for role in [Role::Vendor, Role::Admin] {
        let mut bookings = MockBookingRepository::new();
        bookings.expect_create().never();
        let service = service(
            MockCatalogRepository::new(),
            MockAvailabilityRepository::new(),
            bookings,
        );
        let result = service.request(
            &principal("someone", role),
            item_request(at(2, 9), at(2, 11), 1),
            None,
            None,
        );
        assert!(matches!(result, Err(RequestError::Forbidden)), "{role:?}");
    }
}

#[test]
fn malformed_requests_are_invalid_before_anything_is_read() {
    let mut availability = MockAvailabilityRepository::new();
    availability.expect_item_listing().never();
    let mut bookings = MockBookingRepository::new();
    bookings.expect_create().never();
    let service = service(MockCatalogRepository::new(), availability, bookings);
    let result = service.request(
        &customer(),
        item_request(at(2, 11), at(2, 11), 0),
        Some("x".repeat(MAX_NOTES_CHARS + 1)),
        Some(String::new()),
    );
    let Err(RequestError::Invalid(errors)) = result else {
        panic!("{result:?}");
    };
    let fields: Vec<&str> = errors.fields().map(|(field, _)| field).collect();
    assert_eq!(fields, ["Idempotency-Key", "end", "notes", "quantity"]);
}

#[test]
fn an_unknown_item_is_not_found() {
    let mut availability = MockAvailabilityRepository::new();
    availability.expect_item_listing().returning(|_| Ok(None));
    let mut bookings = MockBookingRepository::new();
    bookings.expect_create().never();
    let service = service(MockCatalogRepository::new(), availability, bookings);
    let result = service.request(
        &customer(),
        item_request(at(2, 9), at(2, 11), 1),
        None,
        None,
    );
    assert!(matches!(result, Err(RequestError::NotFound)));
}

#[test]
fn an_admitted_request_is_stored_with_its_price_hold_and_trimmed_notes() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let service = service(
        MockCatalogRepository::new(),
        with_boat(2),
        store_judging(free(2), seen.clone()),
    );
    let requested = service
        .request(
            &customer(),
            item_request(at(2, 9), at(2, 12), 2),
            Some("  two kids  ".into()),
            Some("key-1".into()),
        )
        .unwrap();
    assert!(!requested.replayed);
    let new = seen.lock().unwrap()[0].clone();
    assert_eq!(new.customer_id, UserId("customer".into()));
    assert_eq!(new.vendor_id, UserId("vendor".into()));
    assert_eq!(new.quantity, 2);
    // 3 hours × 10.00 EUR × 2 units.
    assert_eq!(
        new.quote.total,
        Money::new(6000, Currency::parse("EUR").unwrap())
    );
    assert_eq!(new.hold_expires_at, now() + Duration::hours(24));
    assert_eq!(new.notes.as_deref(), Some("two kids"));
    assert_eq!(new.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(
        new.request_hash,
        request_fingerprint(&item_request(at(2, 9), at(2, 12), 2), Some("two kids"))
    );
}

#[test]
fn capacity_alone_is_no_capacity_and_other_rules_are_violations_without_it() {
    let full = Admission::Units {
        quantity: 1,
        occupied: vec![Occupancy {
            window: TimeWindow::new(at(2, 8), at(2, 18)).unwrap(),
            units: 1,
        }],
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let service = service(
        MockCatalogRepository::new(),
        with_boat(1),
        store_judging(full.clone(), seen.clone()),
    );
    let taken = service.request(
        &customer(),
        item_request(at(2, 9), at(2, 11), 1),
        None,
        None,
    );
    let Err(RequestError::NoCapacity(reasons)) = taken else {
        panic!("{taken:?}");
    };
    assert_eq!(reasons, [Reason::NotEnoughUnits]);
    // In the past and taken: the rule is what the customer must fix first.
    let past = service.request(
        &customer(),
        item_request(now() - Duration::hours(3), now() - Duration::hours(1), 1),
        None,
        None,
    );
    let Err(RequestError::RuleViolations(reasons)) = past else {
        panic!("{past:?}");
    };
    assert_eq!(reasons, [Reason::StartInPast]);
}

#[test]
fn the_stores_outcomes_become_results() {
    for (outcome, expected) in [
        (CreateOutcome::KeyConflict, "KeyConflict"),
        (CreateOutcome::TooManyHolds, "TooManyHolds"),
    ] {
        let mut bookings = MockBookingRepository::new();
        bookings
            .expect_create()
            .return_once(move |_, max_active_holds, _, _| {
                assert_eq!(max_active_holds, 5);
                Ok(outcome)
            });
        let service = service(MockCatalogRepository::new(), with_boat(1), bookings);
        let result = service.request(
            &customer(),
            item_request(at(2, 9), at(2, 11), 1),
            None,
            None,
        );
        assert!(format!("{result:?}").contains(expected), "{result:?}");
    }
    let mut bookings = MockBookingRepository::new();
    bookings.expect_create().returning(|new, _, _, _| {
        Ok(CreateOutcome::Replayed(record(
            new,
            BookingStatus::Approved,
        )))
    });
    let service = service(MockCatalogRepository::new(), with_boat(1), bookings);
    let replayed = service
        .request(
            &customer(),
            item_request(at(2, 9), at(2, 11), 1),
            None,
            Some("k".into()),
        )
        .unwrap();
    assert!(replayed.replayed);
    assert_eq!(replayed.booking.status, BookingStatus::Approved);
}

#[test]
fn fingerprints_depend_on_every_value_and_nothing_else() {
    let base = item_request(at(2, 9), at(2, 11), 1);
    let fingerprint = request_fingerprint(&base, Some("hi"));
    assert_eq!(fingerprint.len(), 64);
    assert_eq!(fingerprint, request_fingerprint(&base.clone(), Some("hi")));
    for other in [
        request_fingerprint(&item_request(at(2, 9), at(2, 12), 1), Some("hi")),
        request_fingerprint(&item_request(at(2, 9), at(2, 11), 2), Some("hi")),
        request_fingerprint(&base, None),
        request_fingerprint(&base, Some("")),
        request_fingerprint(
            &QuoteInput::Session {
                session_id: "boat".into(),
                participants: 1,
            },
            Some("hi"),
        ),
    ] {
        assert_ne!(other, fingerprint);
    }
    // Stable across releases, so a key stored by an earlier build still matches its retry:
    // the documented encoding computed independently (Python's hashlib, u64 big-endian
    // lengths) gives this digest.
    assert_eq!(
        request_fingerprint(&base, Some("hi")),
        "a1beb21f96ff7953412ec9c41952637096e6008f7ebe7fcb15ef4405f8414fd2"
    );
}

fn booking_of(status: BookingStatus) -> BookingRecord {
    let new = NewBooking {
        listing_id: "boat".into(),
        session_id: None,
        customer_id: UserId("customer".into()),
        vendor_id: UserId("vendor".into()),
        window: TimeWindow::new(at(2, 9), at(2, 11)).unwrap(),
        occupied_until: at(2, 11),
        quantity: 1,
        quote: quote_equipment(
            &Pricing::from_spec(&boat(1).spec).unwrap(),
            &TimeWindow::new(at(2, 9), at(2, 11)).unwrap(),
            1,
        ),
        notes: None,
        hold_expires_at: now() + Duration::hours(24),
        idempotency_key: None,
        request_hash: String::new(),
        created_at: now(),
    };
    record(&new, status)
}

/// A store holding one requested booking, whose `transition` asks `decide` about
/// `admission` and returns the changed booking.
fn store_with(admission: Admission) -> MockBookingRepository {
    let mut bookings = MockBookingRepository::new();
    bookings
        .expect_find()
        .returning(|_| Ok(Some(booking_of(BookingStatus::Requested))));
    bookings.expect_transition().returning(move |_, _, decide| {
        let booking = booking_of(BookingStatus::Requested);
        Ok(Some(decide(&booking, &admission).map(|change| {
            BookingRecord {
                status: change.to,
                payment_due_at: change.payment_due_at,
                ..booking
            }
        })))
    });
    bookings
}

#[test]
fn strangers_get_not_found_and_the_store_is_not_asked_to_change_anything() {
    let mut bookings = MockBookingRepository::new();
    bookings
        .expect_find()
        .returning(|_| Ok(Some(booking_of(BookingStatus::Requested))));
    bookings.expect_transition().never();
    let service = service(
        MockCatalogRepository::new(),
        MockAvailabilityRepository::new(),
        bookings,
    );
    for stranger in [
        principal("other", Role::Customer),
        principal("other", Role::Vendor),
    ] {
        assert!(matches!(
            service.act(&stranger, "b1", Action::Approve, None),
            Err(ActionError::NotFound)
        ));
        assert!(matches!(
            service.booking(&stranger, "b1"),
            Err(ActionError::NotFound)
        ));
    }
}

#[test]
fn approval_starts_the_payment_window_when_the_capacity_is_still_there() {
    let service = service(
        MockCatalogRepository::new(),
        MockAvailabilityRepository::new(),
        store_with(free(1)),
    );
    let approved = service
        .act(
            &principal("vendor", Role::Vendor),
            "b1",
            Action::Approve,
            None,
        )
        .unwrap();
    assert_eq!(approved.status, BookingStatus::Approved);
    assert_eq!(approved.payment_due_at, Some(now() + Duration::hours(12)));
}

#[test]
fn approval_without_capacity_is_refused() {
    let full = Admission::Units {
        quantity: 1,
        occupied: vec![Occupancy {
            window: TimeWindow::new(at(2, 10), at(2, 12)).unwrap(),
            units: 1,
        }],
    };
    let service = service(
        MockCatalogRepository::new(),
        MockAvailabilityRepository::new(),
        store_with(full),
    );
    assert!(matches!(
        service.act(
            &principal("vendor", Role::Vendor),
            "b1",
            Action::Approve,
            None
        ),
        Err(ActionError::NoCapacity)
    ));
}

#[test]
fn the_customer_may_not_approve_and_vendors_cancel_with_a_reason() {
    let service = service(
        MockCatalogRepository::new(),
        MockAvailabilityRepository::new(),
        store_with(free(1)),
    );
    assert!(matches!(
        service.act(&customer(), "b1", Action::Approve, None),
        Err(ActionError::Forbidden)
    ));
    let Err(ActionError::Invalid(errors)) = service.act(
        &principal("vendor", Role::Vendor),
        "b1",
        Action::Cancel,
        Some("  ".into()),
    ) else {
        panic!("a blank reason is no reason");
    };
    assert!(errors.get("reason").is_some());
    let cancelled = service
        .act(
            &principal("vendor", Role::Vendor),
            "b1",
            Action::Cancel,
            Some("storm".into()),
        )
        .unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
}

fn empty(page: PageRequest) -> Page<BookingRecord> {
    Page {
        items: vec![],
        page: page.page(),
        page_size: page.page_size(),
        total: 0,
    }
}

#[test]
fn lists_are_scoped_to_the_caller_and_windows_must_be_ordered() {
    let mut bookings = MockBookingRepository::new();
    bookings
        .expect_list()
        .withf(|filter, _| {
            filter.customer == Some(UserId("customer".into())) && filter.vendor.is_none()
        })
        .returning(|_, page| Ok(empty(page)));
    bookings
        .expect_list()
        .withf(|filter, _| {
            filter.vendor == Some(UserId("vendor".into())) && filter.customer.is_none()
        })
        .returning(|_, page| Ok(empty(page)));
    bookings
        .expect_list()
        .withf(|filter, _| filter.vendor.is_none() && filter.customer.is_none())
        .returning(|_, page| Ok(empty(page)));
    let service = service(
        MockCatalogRepository::new(),
        MockAvailabilityRepository::new(),
        bookings,
    );
    let page = PageRequest::new(None, None).unwrap();
    for who in [
        customer(),
        principal("vendor", Role::Vendor),
        principal("admin", Role::Admin),
    ] {
        service.list(&who, BookingFilter::default(), page).unwrap();
    }
    let backwards = BookingFilter {
        from: Some(at(3, 0)),
        to: Some(at(2, 0)),
        ..BookingFilter::default()
    };
    let Err(ActionError::Invalid(errors)) = service.list(&customer(), backwards, page) else {
        panic!("to before from");
    };
    assert_eq!(errors, ValidationErrors::single("to", "must be after from"));
}
