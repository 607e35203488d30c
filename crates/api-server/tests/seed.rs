//! `seed_demo`: the demo data set is complete, its pictures are stored, and a second run
//! changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use api_server::config::{Secret, Settings};
use api_server::seed::{seed_demo, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_PASSWORD};
use api_server::state::AppState;
use diesel::RunQueryDsl;
use persistence::test_support::TestDb;

fn settings(db: &TestDb, media_root: &std::path::Path) -> Settings {
    let mut settings = Settings::from_lookup(|_| None).unwrap();
    settings.database = db.target.clone();
    settings.jwt_secret = Secret::new("test-secret-test-secret-test-secret!");
    settings.jwt_secret_generated = false;
    settings.auth_rate_limit = 10_000;
    settings.login_max_failures = 100;
    settings.media_root = media_root.to_path_buf();
    settings
}

fn count(db: &TestDb, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.pool.get().unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *conn)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .n
}

fn file_names(db: &TestDb) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file_name: String,
    }
    let mut conn = db.pool.get().unwrap();
    diesel::sql_query("SELECT file_name FROM listing_images")
        .load::<Name>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|row| row.file_name)
        .collect()
}

/// Every count the test looks at, to compare two runs.
fn snapshot(db: &TestDb) -> Vec<i64> {
    [
        "SELECT COUNT(*) AS n FROM users",
        "SELECT COUNT(*) AS n FROM vendor_profiles",
        "SELECT COUNT(*) AS n FROM listings",
        "SELECT COUNT(*) AS n FROM equipment_terms",
        "SELECT COUNT(*) AS n FROM adventure_terms",
        "SELECT COUNT(*) AS n FROM listing_images",
    ]
    .iter()
    .map(|sql| count(db, sql))
    .collect()
}

fn listings_in(db: &TestDb, kind: &str, slug: &str) -> i64 {
    count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM listings l JOIN categories c ON c.id = l.category_id \
             WHERE l.kind = '{kind}' AND c.kind = '{kind}' AND c.slug = '{slug}'"
        ),
    )
}

fn seed_demo_creates_a_complete_data_set_once(db: TestDb) {
    let media = tempfile::tempdir().unwrap();
    let state = AppState::new(settings(&db, media.path()), db.pool.clone()).unwrap();

    let report = seed_demo(&state).unwrap();
    assert!(!report.already_present, "{report}");
    assert_eq!(
        (report.vendors, report.customers, report.admins),
        (4, 3, 1),
        "{report}"
    );
    assert!(
        report.equipment >= 32 && report.adventures >= 18,
        "{report}"
    );
    assert!(report.inactive >= 2, "{report}");
    assert!(report.to_string().starts_with("loaded the demo data set"));

    // Accounts.
    let users = |role: &str| {
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM users WHERE role = '{role}'"),
        )
    };
    assert_eq!(
        (users("vendor"), users("customer"), users("admin")),
        (4, 3, 1)
    );
    let zones = count(
        &db,
        "SELECT COUNT(DISTINCT timezone) AS n FROM vendor_profiles",
    );
    assert_eq!(zones, 4, "the vendors are in four time zones");

    // Listings of every category, as reported.
    for slug in ["boat", "car", "bike", "motorcycle"] {
        let n = listings_in(&db, "equipment", slug);
        assert!(n >= 8, "{n} {slug} listings");
    }
    for slug in ["wine-tour", "hiking", "excursion"] {
        let n = listings_in(&db, "adventure", slug);
        assert!(n >= 6, "{n} {slug} listings");
    }
    let kind = |kind: &str| {
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM listings WHERE kind = '{kind}'"),
        )
    };
    assert_eq!(kind("equipment"), report.equipment as i64);
    assert_eq!(kind("adventure"), report.adventures as i64);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM listings WHERE NOT is_active"
        ),
        report.inactive as i64
    );
    assert_eq!(
        count(&db, "SELECT COUNT(DISTINCT currency) AS n FROM listings"),
        4,
        "EUR, USD, NZD and ZAR"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT cancellation_policy) AS n FROM listings"
        ),
        3
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM listings WHERE latitude IS NULL OR longitude IS NULL"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT pricing_unit) AS n FROM equipment_terms"
        ),
        2,
        "hourly and daily items"
    );
    assert!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM equipment_terms WHERE daily_cap IS NOT NULL"
        ) > 0
            && count(
                &db,
                "SELECT COUNT(*) AS n FROM equipment_terms WHERE weekly_price IS NOT NULL"
            ) > 0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM equipment_terms WHERE quantity < 1 OR quantity > 5"
        ),
        0
    );

    // Pictures: one to three per listing, exactly one primary, every file stored.
    let images = count(&db, "SELECT COUNT(*) AS n FROM listing_images");
    assert_eq!(images, report.images as i64);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM listings l \
             WHERE (SELECT COUNT(*) FROM listing_images i \
                    WHERE i.listing_id = l.id AND i.is_primary) <> 1 \
                OR (SELECT COUNT(*) FROM listing_images i WHERE i.listing_id = l.id) \
                   NOT BETWEEN 1 AND 3"
        ),
        0,
        "every listing has 1 to 3 images, exactly one of them primary"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM listing_images WHERE content_type <> 'image/png' \
             OR width <> 640 OR height <> 400"
        ),
        0
    );
    let files = file_names(&db);
    assert_eq!(files.len() as i64, images);
    for file in &files {
        let path = media.path().join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{file}");
    }

    // The documented logins work.
    let vendor = state
        .accounts
        .login("lagos-boats@example.com", DEMO_PASSWORD)
        .unwrap();
    assert_eq!(
        vendor.account.vendor_profile.unwrap().timezone,
        "Europe/Lisbon"
    );
    state
        .accounts
        .login("ana.customer@example.com", DEMO_PASSWORD)
        .unwrap();
    state
        .accounts
        .login(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        .unwrap();

    // A second run finds the data set and changes nothing.
    let before = snapshot(&db);
    let again = seed_demo(&state).unwrap();
    assert!(again.already_present, "{again}");
    assert_eq!(
        (
            again.vendors,
            again.equipment,
            again.adventures,
            again.images
        ),
        (0, 0, 0, 0)
    );
    assert!(again.to_string().contains("already loaded"), "{again}");
    assert_eq!(snapshot(&db), before);
    assert_eq!(
        std::fs::read_dir(media.path()).unwrap().count(),
        files.len()
    );
}

#[test]
fn seed_demo_creates_a_complete_data_set_once_sqlite() {
    seed_demo_creates_a_complete_data_set_once(TestDb::sqlite());
}

#[test]
fn seed_demo_creates_a_complete_data_set_once_postgres() {
    match TestDb::postgres() {
        Some(db) => seed_demo_creates_a_complete_data_set_once(db),
        None => eprintln!("skipped: TEST_DATABASE_URL is not set"),
    }
}
