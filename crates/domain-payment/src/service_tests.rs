//! `PaymentService` tests with mockall doubles of its ports, over a real `BookingService`
//! whose booking store is a small in-memory fake (domain-booking has no mock of it).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use domain_accounts::{Principal, Role, UserId};
use domain_booking::{
    Actor, Admission, AvailabilityService, BookingEvent, BookingFilter, BookingRecord,
    BookingRepository, BookingService, BookingSettings, BookingStatus, Change, ChangeRefusal,
    CreateOutcome, Decide, MockAvailabilityRepository, NewBooking, TimeWindow,
};
use domain_catalog::{
    CancellationPolicy, Listing, ListingInput, ListingKind, MockCatalogRepository, VendorSummary,
};
use domain_core::{Currency, MockClock, Money, Page, PageRequest, StoreError};

use crate::*;

const SECRET: &str = "whsec_service_tests";
const BOOKING: &str = "b-1";
const CUSTOMER: &str = "customer-1";
const VENDOR: &str = "vendor-1";
/// An odd total, so that 50 % has to round.
const TOTAL: i64 = 12_345;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 6, 1, 12, 0, 0).unwrap()
}

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::parse("EUR").unwrap())
}

fn principal(id: &str, role: Role) -> Principal {
    Principal {
        user_id: UserId(id.into()),
        role,
    }
}

fn customer() -> Principal {
    principal(CUSTOMER, Role::Customer)
}

fn vendor() -> Principal {
    principal(VENDOR, Role::Vendor)
}

fn admin() -> Principal {
    principal("admin-1", Role::Admin)
}

fn stranger() -> Principal {
    principal("someone-else", Role::Customer)
}

/// A booking of `VENDOR`'s listing by `CUSTOMER`, two hours from `start`, payable until an
/// hour from now.
fn booking_at(status: BookingStatus, start: DateTime<Utc>) -> BookingRecord {
    BookingRecord {
        id: BOOKING.into(),
        listing_id: "l-1".into(),
        listing_kind: ListingKind::Equipment,
        listing_title: "Kayak".into(),
        session_id: None,
        customer_id: UserId(CUSTOMER.into()),
        vendor_id: UserId(VENDOR.into()),
        status,
        window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
        occupied_until: start + Duration::hours(2),
        quantity: 1,
        total: eur(TOTAL),
        line_items: Vec::new(),
        notes: None,
        hold_expires_at: now() - Duration::hours(1),
        payment_due_at: Some(now() + Duration::hours(1)),
        created_at: now() - Duration::hours(3),
        updated_at: now() - Duration::hours(2),
    }
}

fn booking(status: BookingStatus) -> BookingRecord {
    booking_at(status, now() + Duration::days(10))
}

fn listing(policy: CancellationPolicy) -> Listing {
    let input = ListingInput {
        category: Some("kayak".into()),
        title: Some("Kayak".into()),
        city: Some("Lagos".into()),
        country: Some("PT".into()),
        currency: Some("EUR".into()),
        pricing_unit: Some("hour".into()),
        unit_price: Some(100),
        ..ListingInput::default()
    };
    let mut spec = input
        .parse(ListingKind::Equipment, domain_accounts::TimeZone::utc())
        .unwrap();
    spec.cancellation_policy = policy;
    Listing {
        id: "l-1".into(),
        vendor: VendorSummary {
            user_id: UserId(VENDOR.into()),
            slug: "shop".into(),
            business_name: "Shop".into(),
        },
        vendor_active: true,
        spec,
        images: vec![],
        created_at: now(),
        updated_at: now(),
    }
}

fn payment(status: PaymentStatus) -> PaymentRecord {
    PaymentRecord {
        id: "pay-1".into(),
        booking_id: BOOKING.into(),
        provider: "dev".into(),
        intent_id: "pi_1".into(),
        amount: eur(TOTAL),
        status,
        failure_message: None,
        created_at: now() - Duration::hours(1),
        updated_at: now() - Duration::hours(1),
    }
}

fn details(status: PaymentStatus) -> PaymentDetails {
    PaymentDetails {
        payment: payment(status),
        refunds: Vec::new(),
    }
}

fn refund_record(id: &str, kind: RefundKind, amount: i64) -> RefundRecord {
    RefundRecord {
        id: id.into(),
        payment_id: "pay-1".into(),
        booking_id: BOOKING.into(),
        provider_refund_id: None,
        amount: eur(amount),
        status: RefundStatus::Pending,
        kind,
        reason: "because".into(),
        idempotency_key: kind.idempotency_key(BOOKING),
        failure_message: None,
        created_at: now(),
        updated_at: now(),
    }
}

fn to_issue(id: &str, kind: RefundKind, amount: i64) -> RefundToIssue {
    RefundToIssue {
        refund: refund_record(id, kind, amount),
        intent_id: "pi_1".into(),
    }
}

fn intent(client_secret: &str) -> GatewayIntent {
    GatewayIntent {
        id: "pi_1".into(),
        client_secret: client_secret.into(),
        amount: eur(TOTAL),
        status: "requires_payment_method".into(),
    }
}

/// The booking store: a list of records, and the changes `transition` applied.
#[derive(Default)]
struct FakeBookings {
    records: Mutex<Vec<BookingRecord>>,
    changes: Mutex<Vec<Change>>,
}

fn unused() -> StoreError {
    StoreError::unexpected("not used by the payment service tests")
}

impl BookingRepository for FakeBookings {
    fn create(
        &self,
        _new: &NewBooking,
        _max_active_holds: i64,
        _now: DateTime<Utc>,
        _admit: domain_booking::Admit<'_>,
    ) -> Result<CreateOutcome, StoreError> {
        Err(unused())
    }

    fn find(&self, id: &str) -> Result<Option<BookingRecord>, StoreError> {
        Ok(self
            .records
            .lock()
            .unwrap()
            .iter()
            .find(|record| record.id == id)
            .cloned())
    }

    fn list(
        &self,
        _filter: &BookingFilter,
        _page: PageRequest,
    ) -> Result<Page<BookingRecord>, StoreError> {
        Err(unused())
    }

    fn transition(
        &self,
        id: &str,
        now: DateTime<Utc>,
        decide: Decide<'_>,
    ) -> Result<Option<Result<BookingRecord, ChangeRefusal>>, StoreError> {
        let mut records = self.records.lock().unwrap();
        let Some(record) = records.iter_mut().find(|record| record.id == id) else {
            return Ok(None);
        };
        let admission = Admission::Units {
            quantity: 1,
            occupied: Vec::new(),
        };
        let change = match decide(record, &admission) {
            Ok(change) => change,
            Err(refusal) => return Ok(Some(Err(refusal))),
        };
        record.status = change.to;
        if change.payment_due_at.is_some() {
            record.payment_due_at = change.payment_due_at;
        }
        record.updated_at = now;
        self.changes.lock().unwrap().push(change);
        Ok(Some(Ok(record.clone())))
    }

    fn events(&self, _id: &str) -> Result<Vec<BookingEvent>, StoreError> {
        Err(unused())
    }

    fn expire_lapsed(&self, _now: DateTime<Utc>, _limit: i64) -> Result<usize, StoreError> {
        Err(unused())
    }
}

struct Setup {
    booking: BookingRecord,
    policy: CancellationPolicy,
    payments: MockPaymentRepository,
    gateway: MockPaymentGateway,
    simulation: bool,
}

impl Setup {
    fn new(booking: BookingRecord) -> Self {
        Self {
            booking,
            policy: CancellationPolicy::Moderate,
            payments: MockPaymentRepository::new(),
            gateway: MockPaymentGateway::new(),
            simulation: false,
        }
    }

    fn build(self) -> (PaymentService, Arc<FakeBookings>) {
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now());
        let clock = Arc::new(clock);
        let mut catalog = MockCatalogRepository::new();
        let policy = self.policy;
        catalog
            .expect_find_listing()
            .returning(move |_, _| Ok(Some(listing(policy))));
        let catalog = Arc::new(catalog);
        let bookings = Arc::new(FakeBookings::default());
        bookings.records.lock().unwrap().push(self.booking);
        let booking_service = BookingService::new(
            catalog.clone(),
            Arc::new(MockAvailabilityRepository::new()),
            bookings.clone(),
            clock.clone(),
            BookingSettings {
                hold: Duration::hours(24),
                payment_window: Duration::hours(24),
                max_active_holds: 5,
            },
        );
        let mut gateway = self.gateway;
        gateway.expect_provider().return_const("dev");
        let availability = AvailabilityService::new(
            catalog.clone(),
            Arc::new(MockAvailabilityRepository::new()),
            clock.clone(),
        );
        let service = PaymentService::new(
            booking_service,
            availability,
            catalog,
            Arc::new(self.payments),
            Arc::new(gateway),
            clock,
            PaymentSettings {
                webhook_secret: SECRET.into(),
                simulation: self.simulation,
            },
        );
        (service, bookings)
    }
}

// ---------------------------------------------------------------------------------------------
// start_payment

#[test]
fn the_customer_gets_one_intent_for_the_booking_total_and_the_same_one_again() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    // The store: empty until `create` stores the payment.
    let stored: Arc<Mutex<Option<PaymentDetails>>> = Arc::default();
    let found = stored.clone();
    setup
        .payments
        .expect_find_for_booking()
        .withf(|id| id == BOOKING)
        .times(2)
        .returning(move |_| Ok(found.lock().unwrap().clone()));
    let created = stored.clone();
    setup
        .payments
        .expect_create()
        .withf(|new| {
            *new == NewPayment {
                booking_id: BOOKING.into(),
                provider: "dev".into(),
                intent_id: "pi_1".into(),
                amount: eur(TOTAL),
                created_at: now(),
            }
        })
        .times(1)
        .returning(move |_| {
            *created.lock().unwrap() = Some(details(PaymentStatus::Pending));
            Ok(PaymentCreated::Created(payment(PaymentStatus::Pending)))
        });
    setup
        .gateway
        .expect_create_intent()
        .withf(|request| {
            *request
                == IntentRequest {
                    amount: eur(TOTAL),
                    booking_id: BOOKING.into(),
                    idempotency_key: format!("watertrek-intent-{BOOKING}"),
                }
        })
        .times(1)
        .returning(|_| Ok(intent("pi_1_secret_first")));
    setup
        .gateway
        .expect_retrieve_intent()
        .withf(|id| id == "pi_1")
        .times(1)
        .returning(|_| Ok(intent("pi_1_secret_again")));
    let (service, _) = setup.build();

    let first = service.start_payment(&customer(), BOOKING).unwrap();
    assert!(first.created);
    assert_eq!(first.client_secret, "pi_1_secret_first");
    assert_eq!(first.payment, payment(PaymentStatus::Pending));

    let second = service.start_payment(&customer(), BOOKING).unwrap();
    assert!(!second.created);
    assert_eq!(second.payment.id, first.payment.id);
    assert_eq!(second.payment.intent_id, "pi_1");
    assert_eq!(second.client_secret, "pi_1_secret_again");
    // The secret stays out of logs.
    assert!(!format!("{second:?}").contains("secret_again"));
}

#[test]
fn a_payment_made_concurrently_is_returned_and_a_booking_that_left_approved_is_refused() {
    for (answer, expected) in [
        (
            PaymentCreated::Existing(payment(PaymentStatus::Pending)),
            None,
        ),
        (
            PaymentCreated::BookingNot(BookingStatus::Cancelled),
            Some(BookingStatus::Cancelled),
        ),
    ] {
        let mut setup = Setup::new(booking(BookingStatus::Approved));
        setup
            .payments
            .expect_find_for_booking()
            .returning(|_| Ok(None));
        let created = answer.clone();
        setup
            .payments
            .expect_create()
            .times(1)
            .returning(move |_| Ok(created.clone()));
        setup
            .gateway
            .expect_create_intent()
            .times(1)
            .returning(|_| Ok(intent("first")));
        setup
            .gateway
            .expect_retrieve_intent()
            .times(usize::from(expected.is_none()))
            .returning(|_| Ok(intent("stored")));
        let (service, _) = setup.build();
        let result = service.start_payment(&customer(), BOOKING);
        match expected {
            None => {
                let started = result.unwrap();
                assert!(!started.created, "{answer:?}");
                assert_eq!(started.client_secret, "stored");
            }
            Some(status) => assert!(
                matches!(result, Err(PaymentError::Illegal(s)) if s == status),
                "{result:?}"
            ),
        }
    }
}

fn untouched_payments(setup: &mut Setup) {
    setup.payments.expect_find_for_booking().never();
    setup.payments.expect_create().never();
    setup.gateway.expect_create_intent().never();
    setup.gateway.expect_retrieve_intent().never();
}

#[test]
fn vendors_and_admins_of_the_booking_are_forbidden_and_strangers_do_not_see_it() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    untouched_payments(&mut setup);
    let (service, _) = setup.build();
    let vendor = service.start_payment(&vendor(), BOOKING);
    assert!(matches!(vendor, Err(PaymentError::Forbidden)), "{vendor:?}");
    let admin = service.start_payment(&admin(), BOOKING);
    assert!(matches!(admin, Err(PaymentError::Forbidden)), "{admin:?}");
    let stranger = service.start_payment(&stranger(), BOOKING);
    assert!(
        matches!(stranger, Err(PaymentError::NotFound)),
        "{stranger:?}"
    );
    let unknown = service.start_payment(&customer(), "no-such-booking");
    assert!(
        matches!(unknown, Err(PaymentError::NotFound)),
        "{unknown:?}"
    );
}

#[test]
fn only_an_approved_booking_gets_an_intent() {
    for status in [
        BookingStatus::Requested,
        BookingStatus::Confirmed,
        BookingStatus::Declined,
        BookingStatus::Cancelled,
        BookingStatus::Expired,
    ] {
        let mut setup = Setup::new(booking(status));
        untouched_payments(&mut setup);
        let (service, _) = setup.build();
        let result = service.start_payment(&customer(), BOOKING);
        assert!(
            matches!(result, Err(PaymentError::Illegal(s)) if s == status),
            "{status}: {result:?}"
        );
    }
}

#[test]
fn an_approved_booking_past_its_payment_deadline_is_lapsed() {
    // The deadline is exclusive: at the instant itself it has passed.
    for due in [now() - Duration::seconds(1), now()] {
        let mut record = booking(BookingStatus::Approved);
        record.payment_due_at = Some(due);
        let mut setup = Setup::new(record);
        untouched_payments(&mut setup);
        let (service, _) = setup.build();
        let result = service.start_payment(&customer(), BOOKING);
        assert!(matches!(result, Err(PaymentError::Lapsed)), "{result:?}");
    }
}

#[test]
fn the_payment_is_shown_to_the_booking_s_parties_only() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup
        .payments
        .expect_find_for_booking()
        .withf(|id| id == BOOKING)
        .times(3)
        .returning(|_| Ok(Some(details(PaymentStatus::Pending))));
    let (service, _) = setup.build();
    for party in [customer(), vendor(), admin()] {
        assert_eq!(
            service.payment(&party, BOOKING).unwrap(),
            details(PaymentStatus::Pending)
        );
    }
    let stranger = service.payment(&stranger(), BOOKING);
    assert!(
        matches!(stranger, Err(PaymentError::NotFound)),
        "{stranger:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// handle_webhook

fn succeeded_body() -> String {
    format!(
        r#"{{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{{"object":
        {{"id":"pi_1","object":"payment_intent","amount":{TOTAL},"currency":"eur",
        "status":"succeeded","metadata":{{"booking_id":"{BOOKING}"}}}}}}}}"#
    )
}

#[test]
fn a_webhook_without_a_valid_signature_never_reaches_the_store() {
    let body = succeeded_body();
    let other_body = body.replace("12345", "1");
    let cases = [
        (None, SignatureError::Missing),
        (Some("garbage".to_owned()), SignatureError::Malformed),
        (
            sign(body.as_bytes(), "whsec_someone_else", now()),
            SignatureError::Mismatch,
        ),
        (
            sign(other_body.as_bytes(), SECRET, now()),
            SignatureError::Mismatch,
        ),
        (
            sign(body.as_bytes(), SECRET, now() - Duration::seconds(301)),
            SignatureError::Stale,
        ),
        (
            sign(body.as_bytes(), SECRET, now() + Duration::seconds(301)),
            SignatureError::Stale,
        ),
    ];
    for (header, expected) in cases {
        let mut setup = Setup::new(booking(BookingStatus::Approved));
        setup.payments.expect_process_event().times(0);
        setup.payments.expect_refunds_to_issue().times(0);
        let (service, _) = setup.build();
        let result = service.handle_webhook(body.as_bytes(), header.as_deref());
        assert!(
            matches!(&result, Err(WebhookError::Signature(error)) if *error == expected),
            "{header:?}: {result:?}"
        );
    }
}

#[test]
fn a_signed_body_that_is_no_event_is_refused_before_the_store() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup.payments.expect_process_event().times(0);
    let (service, _) = setup.build();
    for body in ["not json", r#"{"type":"payment_intent.succeeded"}"#] {
        let header = sign(body.as_bytes(), SECRET, now());
        let result = service.handle_webhook(body.as_bytes(), header.as_deref());
        assert!(matches!(result, Err(WebhookError::Event(_))), "{result:?}");
    }
}

#[test]
fn a_signed_event_is_stored_and_decided_with_the_parsed_event() {
    let body = succeeded_body();
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    let expected_payload = body.clone();
    setup
        .payments
        .expect_process_event()
        .withf(move |event, payload, at, _| {
            *event
                == ParsedEvent {
                    id: "evt_1".into(),
                    event_type: "payment_intent.succeeded".into(),
                    kind: EventKind::IntentSucceeded(IntentFacts {
                        intent_id: "pi_1".into(),
                        amount: TOTAL,
                        currency: "eur".into(),
                        booking_id: Some(BOOKING.into()),
                    }),
                }
                && payload == expected_payload
                && *at == now()
        })
        .times(1)
        .returning(|_, _, _, decide| {
            // The decision the service hands over is `decide_event` for this event.
            let context = EventContext::Intent {
                payment: Some(payment(PaymentStatus::Pending)),
                booking: Some(Box::new(booking(BookingStatus::Approved))),
            };
            Ok(Processed::Applied(decide(&context)))
        });
    setup.payments.expect_find().times(0);
    setup.payments.expect_refunds_to_issue().times(0);
    let (service, _) = setup.build();
    let header = sign(body.as_bytes(), SECRET, now() - Duration::seconds(299));
    let report = service
        .handle_webhook(body.as_bytes(), header.as_deref())
        .unwrap();
    let Processed::Applied(Effect::Payment {
        payment_id,
        status,
        booking,
        refund,
        ..
    }) = report.processed
    else {
        panic!("{:?}", report.processed);
    };
    assert_eq!(payment_id, "pay-1");
    assert_eq!(status, PaymentStatus::Succeeded);
    assert_eq!(booking, Some(BookingChange::Confirm));
    assert_eq!(refund, None);
    let refunds = report.refunds.unwrap();
    assert_eq!(refunds.issued, 0);
    assert!(refunds.deferred.is_empty());
}

#[test]
fn a_duplicate_event_issues_nothing() {
    let body = succeeded_body();
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup
        .payments
        .expect_process_event()
        .times(1)
        .returning(|_, _, _, _| Ok(Processed::Duplicate));
    setup.payments.expect_refunds_to_issue().times(0);
    setup.gateway.expect_create_refund().times(0);
    let (service, _) = setup.build();
    let header = sign(body.as_bytes(), SECRET, now());
    let report = service
        .handle_webhook(body.as_bytes(), header.as_deref())
        .unwrap();
    assert_eq!(report.processed, Processed::Duplicate);
    assert_eq!(report.refunds.unwrap().issued, 0);
}

#[test]
fn a_payment_for_a_cancelled_booking_is_refunded_right_after_the_event() {
    let body = succeeded_body();
    let mut setup = Setup::new(booking(BookingStatus::Cancelled));
    setup
        .payments
        .expect_process_event()
        .times(1)
        .returning(|_, _, _, decide| {
            let context = EventContext::Intent {
                payment: Some(payment(PaymentStatus::Pending)),
                booking: Some(Box::new(booking(BookingStatus::Cancelled))),
            };
            Ok(Processed::Applied(decide(&context)))
        });
    setup
        .payments
        .expect_find()
        .withf(|id| id == "pay-1")
        .times(1)
        .returning(|_| Ok(Some(payment(PaymentStatus::Succeeded))));
    setup
        .payments
        .expect_refunds_to_issue()
        .withf(|booking_id, limit| *booking_id == Some(BOOKING) && *limit > 0)
        .times(1)
        .returning(|_, _| Ok(vec![to_issue("r-1", RefundKind::LatePayment, TOTAL)]));
    setup
        .gateway
        .expect_create_refund()
        .withf(|request| {
            *request
                == RefundRequest {
                    intent_id: "pi_1".into(),
                    amount: eur(TOTAL),
                    refund_id: "r-1".into(),
                    idempotency_key: "watertrek-refund-late_payment-b-1".into(),
                }
        })
        .times(1)
        .returning(|_| {
            Ok(GatewayRefund {
                id: "re_1".into(),
                status: RefundStatus::Pending,
                failure_reason: None,
            })
        });
    setup
        .payments
        .expect_record_refund()
        .withf(|id, issued, at| {
            id == "r-1"
                && *issued
                    == RefundIssued {
                        provider_refund_id: Some("re_1".into()),
                        status: RefundStatus::Pending,
                        failure_message: None,
                    }
                && *at == now()
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (service, _) = setup.build();
    let header = sign(body.as_bytes(), SECRET, now());
    let report = service
        .handle_webhook(body.as_bytes(), header.as_deref())
        .unwrap();
    let Processed::Applied(Effect::Payment {
        refund: Some(refund),
        ..
    }) = &report.processed
    else {
        panic!("{:?}", report.processed);
    };
    assert_eq!(refund.amount, eur(TOTAL));
    assert_eq!(refund.kind, RefundKind::LatePayment);
    let issued = report.refunds.unwrap();
    assert_eq!(issued.issued, 1);
    assert!(issued.deferred.is_empty());
}

// ---------------------------------------------------------------------------------------------
// cancel and settle

fn cancelled_payment(
    policy: CancellationPolicy,
    by: Actor,
    notice: Duration,
    paid: i64,
) -> CancelledPayment {
    let start = now() + Duration::days(20);
    let mut payment = payment(PaymentStatus::Succeeded);
    payment.amount = eur(paid);
    CancelledPayment {
        booking: booking_at(BookingStatus::Cancelled, start),
        payment,
        policy,
        cancelled_by: by,
        cancelled_at: start - notice,
    }
}

/// The booking id, limit and time `settle_cancellations` was called with.
type SettleCall = (Option<String>, i64, DateTime<Utc>);

#[test]
fn a_cancellation_settles_its_refund_with_the_policy_decision() {
    use CancellationPolicy::{Flexible, Moderate, Strict};
    let cases = [
        // Customer, moderate, 4 days before: 50 %, rounded down.
        (
            cancelled_payment(Moderate, Actor::Customer, Duration::days(4), TOTAL),
            Some(6_172),
        ),
        // Customer, moderate, a second short of 5 days before the start: 50 %.
        (
            cancelled_payment(
                Moderate,
                Actor::Customer,
                Duration::days(5) - Duration::seconds(1),
                TOTAL,
            ),
            Some(6_172),
        ),
        // Customer, moderate, exactly 5 days before: everything.
        (
            cancelled_payment(Moderate, Actor::Customer, Duration::days(5), TOTAL),
            Some(TOTAL),
        ),
        // The vendor (or an admin): everything, whatever the policy and the time.
        (
            cancelled_payment(Moderate, Actor::Vendor, Duration::days(4), TOTAL),
            Some(TOTAL),
        ),
        (
            cancelled_payment(Strict, Actor::Admin, Duration::hours(1), TOTAL),
            Some(TOTAL),
        ),
        // Customer, flexible, 1 h before: nothing, so no refund record at all.
        (
            cancelled_payment(Flexible, Actor::Customer, Duration::hours(1), TOTAL),
            None,
        ),
        // Customer, strict, 8 days before: 50 %.
        (
            cancelled_payment(Strict, Actor::Customer, Duration::days(8), 10_001),
            Some(5_000),
        ),
        // 50 % of one cent is nothing.
        (
            cancelled_payment(Moderate, Actor::Customer, Duration::days(1), 1),
            None,
        ),
    ];
    let mut setup = Setup::new(booking(BookingStatus::Confirmed));
    let decided: Arc<Mutex<Vec<Option<NewRefund>>>> = Arc::default();
    let seen: Arc<Mutex<Vec<SettleCall>>> = Arc::default();
    let (decided_in, seen_in) = (decided.clone(), seen.clone());
    let inputs: Vec<CancelledPayment> = cases.iter().map(|(input, _)| input.clone()).collect();
    setup
        .payments
        .expect_settle_cancellations()
        .times(1)
        .returning(move |booking_id, limit, at, decide| {
            seen_in
                .lock()
                .unwrap()
                .push((booking_id.map(str::to_owned), limit, at));
            let mut decided = decided_in.lock().unwrap();
            decided.extend(inputs.iter().map(decide));
            Ok(decided.iter().flatten().count())
        });
    setup
        .payments
        .expect_refunds_to_issue()
        .withf(|booking_id, _| *booking_id == Some(BOOKING))
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    let (service, bookings) = setup.build();

    let cancelled = service.cancel(&customer(), BOOKING, None).unwrap();

    assert_eq!(cancelled.booking.status, BookingStatus::Cancelled);
    let changes = bookings.changes.lock().unwrap().clone();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].actor, Actor::Customer);
    assert_eq!(changes[0].to, BookingStatus::Cancelled);
    let report = cancelled.refund.unwrap();
    assert_eq!(report.issued, 0);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![(Some(BOOKING.to_owned()), 100, now())]
    );
    let decided = decided.lock().unwrap();
    assert_eq!(decided.len(), cases.len());
    for ((input, expected), decision) in cases.iter().zip(decided.iter()) {
        let label = format!(
            "{:?} by {} {} before",
            input.policy,
            input.cancelled_by,
            input.booking.window.start() - input.cancelled_at
        );
        assert_eq!(
            decision.as_ref().map(|refund| refund.amount),
            expected.map(eur),
            "{label}"
        );
        if let Some(refund) = decision {
            assert_eq!(refund.kind, RefundKind::Cancellation, "{label}");
            assert!(!refund.reason.is_empty(), "{label}");
        }
    }
    assert_eq!(
        decided[0].as_ref().unwrap().reason,
        "50 % refund: cancelled less than 5 days before the start"
    );
    assert_eq!(
        decided[3].as_ref().unwrap().reason,
        "full refund: cancelled by the vendor"
    );
}

#[test]
fn a_vendor_cancellation_is_recorded_as_the_vendor_s() {
    let mut setup = Setup::new(booking(BookingStatus::Confirmed));
    setup
        .payments
        .expect_settle_cancellations()
        .times(1)
        .returning(|_, _, _, decide| {
            let input = cancelled_payment(
                CancellationPolicy::Strict,
                Actor::Vendor,
                Duration::hours(2),
                TOTAL,
            );
            assert_eq!(decide(&input).map(|refund| refund.amount), Some(eur(TOTAL)));
            Ok(1)
        });
    setup
        .payments
        .expect_refunds_to_issue()
        .returning(|_, _| Ok(Vec::new()));
    let (service, bookings) = setup.build();
    let cancelled = service
        .cancel(&vendor(), BOOKING, Some("storm warning".into()))
        .unwrap();
    assert_eq!(cancelled.booking.status, BookingStatus::Cancelled);
    let changes = bookings.changes.lock().unwrap();
    assert_eq!(changes[0].actor, Actor::Vendor);
    assert_eq!(changes[0].reason.as_deref(), Some("storm warning"));
    assert!(cancelled.refund.is_ok());
}

#[test]
fn cancelling_a_cancelled_booking_is_illegal_and_settles_nothing() {
    let mut setup = Setup::new(booking(BookingStatus::Cancelled));
    setup.payments.expect_settle_cancellations().times(0);
    setup.payments.expect_refunds_to_issue().times(0);
    setup.gateway.expect_create_refund().times(0);
    let (service, bookings) = setup.build();
    let result = service.cancel(&customer(), BOOKING, None);
    assert!(
        matches!(
            result,
            Err(domain_booking::ActionError::Illegal(
                BookingStatus::Cancelled
            ))
        ),
        "{result:?}"
    );
    assert!(bookings.changes.lock().unwrap().is_empty());
}

#[test]
fn a_refund_the_gateway_refuses_is_recorded_failed() {
    let mut setup = Setup::new(booking(BookingStatus::Confirmed));
    setup
        .payments
        .expect_settle_cancellations()
        .times(1)
        .returning(|_, _, _, _| Ok(1));
    setup
        .payments
        .expect_refunds_to_issue()
        .times(1)
        .returning(|_, _| {
            Ok(vec![
                to_issue("r-1", RefundKind::Cancellation, 6_172),
                to_issue("r-2", RefundKind::LatePayment, TOTAL),
            ])
        });
    setup
        .gateway
        .expect_create_refund()
        .withf(|request| request.refund_id == "r-1")
        .times(1)
        .returning(|_| Err(GatewayError::Refused("charge already refunded".into())));
    setup
        .gateway
        .expect_create_refund()
        .withf(|request| request.refund_id == "r-2")
        .times(1)
        .returning(|_| Err(GatewayError::NotFound("pi_1".into())));
    setup
        .payments
        .expect_record_refund()
        .withf(|id, issued, _| {
            id == "r-1"
                && *issued
                    == RefundIssued {
                        provider_refund_id: None,
                        status: RefundStatus::Failed,
                        failure_message: Some("charge already refunded".into()),
                    }
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    setup
        .payments
        .expect_record_refund()
        .withf(|id, issued, _| {
            id == "r-2"
                && issued.status == RefundStatus::Failed
                && issued.provider_refund_id.is_none()
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (service, _) = setup.build();
    let cancelled = service.cancel(&customer(), BOOKING, None).unwrap();
    let report = cancelled.refund.unwrap();
    assert_eq!(report.issued, 2);
    assert!(report.deferred.is_empty(), "{:?}", report.deferred);
}

#[test]
fn a_refund_the_gateway_cannot_take_now_is_deferred_and_not_recorded() {
    let mut setup = Setup::new(booking(BookingStatus::Cancelled));
    setup
        .payments
        .expect_settle_cancellations()
        .withf(|booking_id, limit, at, _| booking_id.is_none() && *limit == 100 && *at == now())
        .times(1)
        .returning(|_, _, _, _| Ok(3));
    setup
        .payments
        .expect_refunds_to_issue()
        .withf(|booking_id, _| booking_id.is_none())
        .times(1)
        .returning(|_, _| {
            Ok(vec![
                to_issue("r-1", RefundKind::Cancellation, 6_172),
                to_issue("r-2", RefundKind::Cancellation, 100),
            ])
        });
    setup
        .gateway
        .expect_create_refund()
        .withf(|request| request.refund_id == "r-1")
        .times(1)
        .returning(|_| Err(GatewayError::Unavailable("timed out".into())));
    setup
        .gateway
        .expect_create_refund()
        .withf(|request| request.refund_id == "r-2")
        .times(1)
        .returning(|_| {
            Ok(GatewayRefund {
                id: "re_2".into(),
                status: RefundStatus::Succeeded,
                failure_reason: None,
            })
        });
    // Only the refund the gateway answered is recorded.
    setup
        .payments
        .expect_record_refund()
        .withf(|id, issued, _| {
            id == "r-2"
                && issued.status == RefundStatus::Succeeded
                && issued.provider_refund_id.as_deref() == Some("re_2")
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (service, _) = setup.build();
    let report = service.settle().unwrap();
    assert_eq!(report.settled, 3);
    assert_eq!(report.issue.issued, 1);
    assert_eq!(
        report.issue.deferred,
        vec![(
            "r-1".to_owned(),
            GatewayError::Unavailable("timed out".into())
        )]
    );
}

#[test]
fn an_unavailable_gateway_after_a_cancellation_leaves_the_refund_pending() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup
        .payments
        .expect_settle_cancellations()
        .returning(|_, _, _, _| Ok(1));
    setup
        .payments
        .expect_refunds_to_issue()
        .returning(|_, _| Ok(vec![to_issue("r-1", RefundKind::Cancellation, 6_172)]));
    setup
        .gateway
        .expect_create_refund()
        .times(1)
        .returning(|_| Err(GatewayError::Unavailable("503".into())));
    setup.payments.expect_record_refund().times(0);
    let (service, _) = setup.build();
    let cancelled = service.cancel(&customer(), BOOKING, None).unwrap();
    assert_eq!(cancelled.booking.status, BookingStatus::Cancelled);
    let report = cancelled.refund.unwrap();
    assert_eq!(report.issued, 0);
    assert_eq!(report.deferred.len(), 1);
    assert_eq!(report.deferred[0].0, "r-1");
}

// ---------------------------------------------------------------------------------------------
// refund_preview

#[test]
fn an_unpaid_booking_previews_no_refund() {
    for found in [
        None,
        Some(details(PaymentStatus::Pending)),
        Some(details(PaymentStatus::Failed)),
    ] {
        let mut setup = Setup::new(booking(BookingStatus::Approved));
        setup.policy = CancellationPolicy::Strict;
        let answer = found.clone();
        setup
            .payments
            .expect_find_for_booking()
            .withf(|id| id == BOOKING)
            .returning(move |_| Ok(answer.clone()));
        let (service, _) = setup.build();
        let preview = service.refund_preview(&customer(), BOOKING).unwrap();
        assert_eq!(preview.amount, eur(0), "{found:?}");
        assert_eq!(preview.policy, CancellationPolicy::Strict);
        assert!(
            preview.reason.contains("not been paid"),
            "{}",
            preview.reason
        );
    }
}

fn paid_preview(principal: &Principal, notice: Duration) -> RefundPreview {
    let mut setup = Setup::new(booking_at(BookingStatus::Confirmed, now() + notice));
    setup.policy = CancellationPolicy::Strict;
    setup
        .payments
        .expect_find_for_booking()
        .returning(|_| Ok(Some(details(PaymentStatus::Succeeded))));
    setup.payments.expect_settle_cancellations().times(0);
    setup.gateway.expect_create_refund().times(0);
    let (service, bookings) = setup.build();
    let preview = service.refund_preview(principal, BOOKING).unwrap();
    // A preview changes nothing.
    assert!(bookings.changes.lock().unwrap().is_empty());
    preview
}

#[test]
fn a_paid_booking_previews_the_policy_refund_for_the_caller() {
    let customer_early = paid_preview(&customer(), Duration::days(8));
    assert_eq!(customer_early.amount, eur(6_172));
    assert_eq!(customer_early.policy, CancellationPolicy::Strict);
    assert_eq!(
        customer_early.reason,
        "50 % refund: cancelled at least 7 days before the start"
    );
    let customer_late = paid_preview(&customer(), Duration::days(6));
    assert_eq!(customer_late.amount, eur(0));
    let by_vendor = paid_preview(&vendor(), Duration::days(1));
    assert_eq!(by_vendor.amount, eur(TOTAL));
    assert_eq!(by_vendor.reason, "full refund: cancelled by the vendor");
    let by_admin = paid_preview(&admin(), Duration::days(1));
    assert_eq!(by_admin.amount, eur(TOTAL));
}

#[test]
fn a_preview_counts_only_what_was_not_refunded_yet() {
    let mut setup = Setup::new(booking(BookingStatus::Confirmed));
    setup.payments.expect_find_for_booking().returning(|_| {
        let mut details = details(PaymentStatus::Succeeded);
        let mut failed = refund_record("r-0", RefundKind::LatePayment, 9_000);
        failed.status = RefundStatus::Failed;
        details.refunds = vec![refund_record("r-1", RefundKind::LatePayment, 345), failed];
        Ok(Some(details))
    });
    let (service, _) = setup.build();
    let preview = service.refund_preview(&vendor(), BOOKING).unwrap();
    assert_eq!(preview.amount, eur(TOTAL - 345));
}

#[test]
fn previewing_a_cancelled_booking_is_illegal_and_strangers_do_not_see_it() {
    for status in [
        BookingStatus::Cancelled,
        BookingStatus::Expired,
        BookingStatus::Declined,
    ] {
        let mut setup = Setup::new(booking(status));
        setup.payments.expect_find_for_booking().times(0);
        let (service, _) = setup.build();
        let result = service.refund_preview(&customer(), BOOKING);
        assert!(
            matches!(result, Err(PaymentError::Illegal(s)) if s == status),
            "{status}: {result:?}"
        );
        let result = service.refund_preview(&stranger(), BOOKING);
        assert!(matches!(result, Err(PaymentError::NotFound)), "{result:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// simulate

#[test]
fn simulation_is_not_found_when_it_is_off() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup.payments.expect_find().times(0);
    setup.payments.expect_process_event().times(0);
    let (service, _) = setup.build();
    let result = service.simulate(&customer(), "pay-1", SimulatedOutcome::Succeeded);
    assert!(matches!(result, Err(PaymentError::NotFound)), "{result:?}");
}

type Captured = Arc<Mutex<Vec<(ParsedEvent, String)>>>;

fn simulating(
    outcome: SimulatedOutcome,
) -> (PaymentDetails, WebhookReport, Vec<(ParsedEvent, String)>) {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup.simulation = true;
    setup
        .payments
        .expect_find()
        .withf(|id| id == "pay-1")
        .returning(|_| Ok(Some(payment(PaymentStatus::Pending))));
    let captured: Captured = Arc::default();
    let into = captured.clone();
    setup
        .payments
        .expect_process_event()
        .times(1)
        .returning(move |event, payload, _, decide| {
            into.lock()
                .unwrap()
                .push((event.clone(), payload.to_owned()));
            let context = EventContext::Intent {
                payment: Some(payment(PaymentStatus::Pending)),
                booking: Some(Box::new(booking(BookingStatus::Approved))),
            };
            Ok(Processed::Applied(decide(&context)))
        });
    setup
        .payments
        .expect_find_for_booking()
        .withf(|id| id == BOOKING)
        .returning(|_| Ok(Some(details(PaymentStatus::Succeeded))));
    let (service, _) = setup.build();
    let (details, report) = service.simulate(&customer(), "pay-1", outcome).unwrap();
    let captured = captured.lock().unwrap().clone();
    (details, report, captured)
}

#[test]
fn a_simulated_success_goes_through_the_signed_webhook_pipeline() {
    let (details, report, captured) = simulating(SimulatedOutcome::Succeeded);
    assert_eq!(details.payment.status, PaymentStatus::Succeeded);
    let [(event, payload)] = captured.as_slice() else {
        panic!("{captured:?}");
    };
    assert_eq!(event.event_type, "payment_intent.succeeded");
    assert_eq!(
        event.kind,
        EventKind::IntentSucceeded(IntentFacts {
            intent_id: "pi_1".into(),
            amount: TOTAL,
            currency: "eur".into(),
            booking_id: Some(BOOKING.into()),
        })
    );
    // The event reached the store, so it verified with the service's secret; the body handed
    // over is the body that was signed.
    let header = sign(payload.as_bytes(), SECRET, now());
    assert_eq!(
        verify_signature(
            header.as_deref(),
            payload.as_bytes(),
            SECRET,
            now(),
            SIGNATURE_TOLERANCE
        ),
        Ok(())
    );
    assert_eq!(ParsedEvent::parse(payload.as_bytes()).as_ref(), Ok(event));
    assert!(matches!(
        report.processed,
        Processed::Applied(Effect::Payment {
            status: PaymentStatus::Succeeded,
            booking: Some(BookingChange::Confirm),
            ..
        })
    ));
}

#[test]
fn a_simulated_failure_sends_a_payment_failed_event() {
    let (_, report, captured) = simulating(SimulatedOutcome::Failed);
    let [(event, _)] = captured.as_slice() else {
        panic!("{captured:?}");
    };
    assert_eq!(event.event_type, "payment_intent.payment_failed");
    let EventKind::IntentFailed { intent, message } = &event.kind else {
        panic!("{:?}", event.kind);
    };
    assert_eq!(intent.intent_id, "pi_1");
    assert_eq!(
        message.as_deref(),
        Some("Your card was declined (simulated).")
    );
    assert!(matches!(
        report.processed,
        Processed::Applied(Effect::Payment {
            status: PaymentStatus::Failed,
            booking: None,
            ..
        })
    ));
}

#[test]
fn only_the_customer_or_an_admin_may_simulate() {
    let mut setup = Setup::new(booking(BookingStatus::Approved));
    setup.simulation = true;
    setup
        .payments
        .expect_find()
        .returning(|_| Ok(Some(payment(PaymentStatus::Pending))));
    setup.payments.expect_process_event().times(0);
    let (service, _) = setup.build();
    let vendor = service.simulate(&vendor(), "pay-1", SimulatedOutcome::Succeeded);
    assert!(matches!(vendor, Err(PaymentError::Forbidden)), "{vendor:?}");
    let stranger = service.simulate(&stranger(), "pay-1", SimulatedOutcome::Succeeded);
    assert!(
        matches!(stranger, Err(PaymentError::NotFound)),
        "{stranger:?}"
    );
}

#[test]
fn simulated_outcomes_at_the_same_instant_are_distinct_events() {
    let pay = payment(PaymentStatus::Pending);
    let event = |outcome| {
        crate::ParsedEvent::parse(simulated_event(&pay, outcome, now()).as_bytes()).unwrap()
    };
    assert_ne!(
        event(SimulatedOutcome::Failed).id,
        event(SimulatedOutcome::Succeeded).id
    );
    assert_eq!(
        event(SimulatedOutcome::Succeeded).id,
        event(SimulatedOutcome::Succeeded).id
    );
}
