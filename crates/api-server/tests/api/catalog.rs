//! Catalog: categories, listings, ownership, validation, browse filters, images, storefronts.

use std::collections::HashMap;

use actix_web::test::TestRequest;
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

const JPEG: &[u8] = include_bytes!("../../../domain-catalog/tests/fixtures/tiny.jpg");
const PNG: &[u8] = include_bytes!("../../../domain-catalog/tests/fixtures/tiny.png");
const WEBP: &[u8] = include_bytes!("../../../domain-catalog/tests/fixtures/tiny.webp");

both_backends!(
    categories_are_seeded_and_admins_manage_them,
    a_vendor_creates_equipment_and_reads_it_back,
    a_vendor_creates_an_adventure,
    integers_written_with_a_zero_fraction_are_integers,
    invalid_listings_are_422_with_field_errors,
    only_vendors_create_listings,
    vendors_cannot_touch_other_vendors_listings,
    a_patch_changes_only_what_it_names,
    a_duplicate_item_code_is_409,
    inactive_listings_and_vendors_are_hidden_from_the_public,
    each_browse_filter_narrows_the_results,
    browse_sorts_stably_and_pages,
    browse_gives_each_listing_its_own_images_in_page_order,
    bad_browse_queries_are_rejected,
    images_are_judged_by_content_and_stripped_of_metadata,
    image_limits_are_enforced,
    the_primary_image_moves_with_updates_and_deletes,
    deleting_a_listing_removes_its_images_and_files,
    storefronts_show_a_vendors_public_listings,
);

fn boat(title: &str, price: i64) -> Value {
    json!({
        "category": "boat", "title": title, "city": "Lagos", "region": "Algarve",
        "country": "PT", "currency": "EUR", "pricing_unit": "hour", "unit_price": price,
        "latitude": 37.1, "longitude": -8.67
    })
}

fn tour(title: &str, price: i64) -> Value {
    json!({
        "category": "wine-tour", "title": title, "city": "Stellenbosch", "country": "ZA",
        "currency": "ZAR", "price_per_person": price, "duration_minutes": 240, "capacity": 12
    })
}

impl<S, B> TestApp<S>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    async fn create(&self, token: &str, kind: &str, body: Value) -> Value {
        let reply = self
            .send("POST", &format!("/api/v1/{kind}"), Some(token), body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }

    async fn upload(
        &self,
        token: &str,
        path: &str,
        parts: &[(&str, Option<&str>, &str, &[u8])],
    ) -> Reply {
        let (content_type, body) = multipart(parts);
        self.call(
            TestRequest::post()
                .uri(path)
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("content-type", content_type))
                .set_payload(body),
        )
        .await
    }

    async fn upload_image(&self, token: &str, listing: &str, bytes: &[u8]) -> Reply {
        self.upload(
            token,
            &format!("/api/v1/equipment/{listing}/images"),
            &[("file", Some("photo.bin"), "application/octet-stream", bytes)],
        )
        .await
    }

    async fn titles(&self, query: &str) -> Vec<String> {
        let reply = self.get(&format!("/api/v1/equipment?{query}"), None).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["title"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn categories_are_seeded_and_admins_manage_them(db: TestDb) {
    let app = spawn(db).await;
    let equipment = app.get("/api/v1/equipment/categories", None).await;
    let slugs: Vec<&str> = equipment
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["bike", "boat", "car", "motorcycle"]);
    let adventures = app.get("/api/v1/adventures/categories", None).await;
    assert_eq!(adventures.body.as_array().unwrap().len(), 3);

    let admin = app.admin("ops@example.com").await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let body = json!({"slug": "kayak", "name": "Kayaks"});
    app.send(
        "POST",
        "/api/v1/admin/equipment-categories",
        Some(token(&vendor)),
        body.clone(),
    )
    .await
    .assert_problem(403, "forbidden");
    app.send(
        "POST",
        "/api/v1/admin/equipment-categories",
        None,
        body.clone(),
    )
    .await
    .assert_problem(401, "unauthorized");
    let created = app
        .send(
            "POST",
            "/api/v1/admin/equipment-categories",
            Some(token(&admin)),
            body.clone(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    app.send(
        "POST",
        "/api/v1/admin/equipment-categories",
        Some(token(&admin)),
        body,
    )
    .await
    .assert_problem(409, "slug_taken");
    // The same slug is free for the other kind.
    let other_kind = app
        .send(
            "POST",
            "/api/v1/admin/adventure-categories",
            Some(token(&admin)),
            json!({"slug": "kayak", "name": "Kayak trips"}),
        )
        .await;
    assert_eq!(other_kind.status, 201);
    let invalid = app
        .send(
            "POST",
            "/api/v1/admin/equipment-categories",
            Some(token(&admin)),
            json!({"slug": "No Spaces"}),
        )
        .await;
    let mut fields = invalid.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["name", "slug"]);
    let renamed = app
        .send(
            "PATCH",
            &format!("/api/v1/admin/equipment-categories/{id}"),
            Some(token(&admin)),
            json!({"name": "Sea kayaks"}),
        )
        .await;
    assert_eq!(
        (renamed.status.as_u16(), renamed.body["name"].as_str()),
        (200, Some("Sea kayaks"))
    );
    app.send(
        "PATCH",
        &format!("/api/v1/admin/adventure-categories/{id}"),
        Some(token(&admin)),
        json!({"name": "x"}),
    )
    .await
    .assert_problem(404, "not_found");

    let mut kayak = boat("Kayak", 1000);
    kayak["category"] = json!("kayak");
    app.create(token(&vendor), "equipment", kayak).await;
    app.send(
        "DELETE",
        &format!("/api/v1/admin/equipment-categories/{id}"),
        Some(token(&admin)),
        json!({}),
    )
    .await
    .assert_problem(409, "category_in_use");
    let unused = other_kind.body["id"].as_str().unwrap();
    let deleted = app
        .send(
            "DELETE",
            &format!("/api/v1/admin/adventure-categories/{unused}"),
            Some(token(&admin)),
            json!({}),
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.count("categories", "slug = 'kayak'"), 1);
}

async fn a_vendor_creates_equipment_and_reads_it_back(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Lagos Boats").await;
    let mut body = boat("Sunseeker 28", 4500);
    body["daily_cap"] = json!(30000);
    body["quantity"] = json!(3);
    body["item_code"] = json!("BOAT-01");
    body["attributes"] = json!({"seats": 8, "skipper": true});
    let created = app.create(token(&vendor), "equipment", body).await;
    assert_eq!(
        created["unit_price"],
        json!({"amount": 4500, "currency": "EUR"})
    );
    assert_eq!(
        created["daily_cap"],
        json!({"amount": 30000, "currency": "EUR"})
    );
    assert!(created["weekly_price"].is_null());
    assert_eq!(
        created["timezone"], "Europe/Lisbon",
        "the vendor's zone by default"
    );
    assert_eq!(
        created["vendor"],
        json!({"slug": "lagos-boats", "business_name": "Lagos Boats"})
    );
    assert_eq!(created["category"], "boat");
    assert_eq!(created["attributes"]["seats"], 8);
    assert_eq!(
        (
            created["quantity"].as_i64(),
            created["max_advance_days"].as_i64()
        ),
        (Some(3), Some(365))
    );
    assert_eq!(created["cancellation_policy"], "moderate");
    let id = created["id"].as_str().unwrap();
    let detail = app.get(&format!("/api/v1/equipment/{id}"), None).await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.body, created);
    // An equipment id is not an adventure.
    app.get(&format!("/api/v1/adventures/{id}"), None)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("listings", "kind = 'equipment'"), 1);
    assert_eq!(
        app.count("equipment_terms", "item_code = 'BOAT-01' AND quantity = 3"),
        1
    );
}

async fn a_vendor_creates_an_adventure(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("tours@example.com", "Cape Tours").await;
    let mut body = tour("Cellar walk", 95000);
    body["meeting_point"] = json!("Church Street 1");
    body["min_participants"] = json!(2);
    body["timezone"] = json!("Africa/Johannesburg");
    let created = app.create(token(&vendor), "adventures", body).await;
    assert_eq!(
        created["price_per_person"],
        json!({"amount": 95000, "currency": "ZAR"})
    );
    assert_eq!(created["capacity"], 12);
    assert_eq!(created["timezone"], "Africa/Johannesburg");
    assert!(created.get("unit_price").is_none());
    let listed = app.get("/api/v1/adventures?category=wine-tour", None).await;
    assert_eq!(listed.body["total"], 1);
    let mut with_quantity = tour("Bad", 1);
    with_quantity["quantity"] = json!(2);
    let reply = app
        .send(
            "POST",
            "/api/v1/adventures",
            Some(token(&vendor)),
            with_quantity,
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), vec!["quantity"]);
}

/// The document says `integer`, and in JSON Schema `4500.0` is one: a client whose JSON
/// library writes whole numbers that way is not refused. A fraction still is.
async fn integers_written_with_a_zero_fraction_are_integers(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("v@example.com", "Boats").await;
    let id = app
        .boat_of(&vendor, json!({"unit_price": 4500.0, "quantity": 2.0}))
        .await;
    let item = app.get(&format!("/api/v1/equipment/{id}"), None).await;
    assert_eq!(item.body["unit_price"]["amount"], 4500);
    assert_eq!(item.body["quantity"], 2);
    let fraction = app
        .send(
            "PATCH",
            &format!("/api/v1/equipment/{id}"),
            Some(token(&vendor)),
            json!({"unit_price": 4500.5}),
        )
        .await;
    fraction.assert_problem(422, "validation_failed");
    assert_eq!(fraction.field_errors(), vec!["unit_price"]);
}

async fn invalid_listings_are_422_with_field_errors(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let cases = [
        ("unit_price", json!(-1)),
        ("currency", json!("EURO")),
        ("latitude", json!(91.5)),
        ("longitude", json!(-181)),
        ("country", json!("XX")),
        ("pricing_unit", json!("week")),
        ("cancellation_policy", json!("lenient")),
        ("quantity", json!(0)),
        ("attributes", json!([1, 2])),
        ("timezone", json!("Mars/Base")),
    ];
    for (field, value) in cases {
        let mut body = boat("Boat", 100);
        body[field] = value;
        let reply = app
            .send("POST", "/api/v1/equipment", Some(token(&vendor)), body)
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(
            reply.field_errors(),
            vec![field.to_owned()],
            "{}",
            reply.body
        );
    }
    let mut unknown_category = boat("Boat", 100);
    unknown_category["category"] = json!("spaceship");
    let reply = app
        .send(
            "POST",
            "/api/v1/equipment",
            Some(token(&vendor)),
            unknown_category,
        )
        .await;
    assert_eq!(reply.field_errors(), vec!["category"]);
    let mut adventure_category = boat("Boat", 100);
    adventure_category["category"] = json!("hiking");
    let reply = app
        .send(
            "POST",
            "/api/v1/equipment",
            Some(token(&vendor)),
            adventure_category,
        )
        .await;
    assert_eq!(reply.field_errors(), vec!["category"]);
    let empty = app
        .send("POST", "/api/v1/equipment", Some(token(&vendor)), json!({}))
        .await;
    let mut fields = empty.field_errors();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "category",
            "city",
            "country",
            "currency",
            "pricing_unit",
            "title",
            "unit_price"
        ]
    );
    let mut server_owned = boat("Boat", 100);
    server_owned["vendor_id"] = json!("someone");
    let reply = app
        .send(
            "POST",
            "/api/v1/equipment",
            Some(token(&vendor)),
            server_owned,
        )
        .await;
    assert_eq!(reply.field_errors(), vec!["vendor_id"]);
    assert_eq!(app.count("listings", "1 = 1"), 0, "nothing stored");
}

async fn only_vendors_create_listings(db: TestDb) {
    let app = spawn(db).await;
    let customer = app.customer("ana@example.com").await;
    app.send(
        "POST",
        "/api/v1/equipment",
        Some(token(&customer)),
        boat("Boat", 100),
    )
    .await
    .assert_problem(403, "forbidden");
    app.send("POST", "/api/v1/adventures", None, tour("Tour", 100))
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/vendor/equipment", Some(token(&customer)))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(app.count("listings", "1 = 1"), 0);
}

async fn vendors_cannot_touch_other_vendors_listings(db: TestDb) {
    let app = spawn(db).await;
    let owner = app.vendor("a@example.com", "Vendor A").await;
    let other = app.vendor("b@example.com", "Vendor B").await;
    let admin = app.admin("ops@example.com").await;
    let listing = app
        .create(token(&owner), "equipment", boat("Mine", 100))
        .await;
    let id = listing["id"].as_str().unwrap();
    let path = format!("/api/v1/equipment/{id}");
    app.send(
        "PATCH",
        &path,
        Some(token(&other)),
        json!({"title": "Stolen"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.send("DELETE", &path, Some(token(&other)), json!({}))
        .await
        .assert_problem(404, "not_found");
    let upload = app.upload_image(token(&other), id, PNG).await;
    upload.assert_problem(404, "not_found");
    assert!(app.media_files().is_empty(), "no file left behind");
    assert_eq!(app.count("listings", "title = 'Mine'"), 1);
    // The owner's image is out of reach too.
    let image = app.upload_image(token(&owner), id, PNG).await;
    let image_id = image.body["id"].as_str().unwrap();
    app.send(
        "DELETE",
        &format!("{path}/images/{image_id}"),
        Some(token(&other)),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.send(
        "PATCH",
        &format!("{path}/images/{image_id}"),
        Some(token(&other)),
        json!({"alt_text": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
    // Admins may.
    let patched = app
        .send(
            "PATCH",
            &path,
            Some(token(&admin)),
            json!({"title": "Checked"}),
        )
        .await;
    assert_eq!(patched.body["title"], "Checked");
    assert_eq!(app.count("listing_images", "1 = 1"), 1);
}

async fn a_patch_changes_only_what_it_names(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let mut body = boat("Boat", 4500);
    body["daily_cap"] = json!(30000);
    let created = app.create(token(&vendor), "equipment", body).await;
    let path = format!("/api/v1/equipment/{}", created["id"].as_str().unwrap());
    let patched = app
        .send(
            "PATCH",
            &path,
            Some(token(&vendor)),
            json!({"unit_price": 5000, "daily_cap": null, "description": "Fast"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["unit_price"]["amount"], 5000);
    assert!(patched.body["daily_cap"].is_null());
    assert_eq!(patched.body["description"], "Fast");
    assert_eq!(patched.body["title"], "Boat");
    assert_eq!(patched.body["created_at"], created["created_at"]);
    // A change that breaks a rule of the whole listing is refused and changes nothing.
    let refused = app
        .send(
            "PATCH",
            &path,
            Some(token(&vendor)),
            json!({"weekly_price": 100}),
        )
        .await;
    assert_eq!(refused.field_errors(), vec!["weekly_price"]);
    let foreign = app
        .send("PATCH", &path, Some(token(&vendor)), json!({"capacity": 3}))
        .await;
    assert_eq!(foreign.field_errors(), vec!["capacity"]);
    let unknown = app
        .send("PATCH", &path, Some(token(&vendor)), json!({"id": "x"}))
        .await;
    assert_eq!(unknown.field_errors(), vec!["id"]);
    assert_eq!(
        app.count("listings", "price = 5000 AND description = 'Fast'"),
        1
    );
}

async fn a_duplicate_item_code_is_409(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let other = app.vendor("other@example.com", "Other").await;
    let mut body = boat("One", 100);
    body["item_code"] = json!("B-1");
    app.create(token(&vendor), "equipment", body.clone()).await;
    app.send(
        "POST",
        "/api/v1/equipment",
        Some(token(&vendor)),
        body.clone(),
    )
    .await
    .assert_problem(409, "item_code_taken");
    // Codes are per vendor.
    app.create(token(&other), "equipment", body).await;
    assert_eq!(app.count("listings", "1 = 1"), 2);
}

async fn inactive_listings_and_vendors_are_hidden_from_the_public(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let stranger = app.vendor("other@example.com", "Other").await;
    let mut hidden = boat("Hidden", 100);
    hidden["is_active"] = json!(false);
    let hidden = app.create(token(&vendor), "equipment", hidden).await;
    app.create(token(&vendor), "equipment", boat("Visible", 100))
        .await;
    assert_eq!(app.titles("").await, vec!["Visible"]);
    let path = format!("/api/v1/equipment/{}", hidden["id"].as_str().unwrap());
    app.get(&path, None).await.assert_problem(404, "not_found");
    app.get(&path, Some(token(&stranger)))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.get(&path, Some(token(&vendor))).await.status, 200);
    app.get(&path, Some("garbage"))
        .await
        .assert_problem(401, "unauthorized");
    let mine = app
        .get("/api/v1/vendor/equipment", Some(token(&vendor)))
        .await;
    assert_eq!(mine.body["total"], 2);
    app.execute("UPDATE users SET is_active = FALSE WHERE email = 'shop@example.com'");
    assert!(app.titles("").await.is_empty());
    app.get("/api/v1/vendors/shop", None)
        .await
        .assert_problem(404, "not_found");
    // Browse reads the copy of the flag on the listings (kept by triggers): it follows the
    // vendor back, and the other vendor's listings never depended on it.
    app.create(token(&stranger), "equipment", boat("Elsewhere", 100))
        .await;
    assert_eq!(app.titles("").await, vec!["Elsewhere"]);
    app.execute("UPDATE users SET is_active = TRUE WHERE email = 'shop@example.com'");
    let mut titles = app.titles("").await;
    titles.sort();
    assert_eq!(titles, vec!["Elsewhere", "Visible"]);
}

async fn each_browse_filter_narrows_the_results(db: TestDb) {
    let app = spawn(db).await;
    let lagos = app.vendor("lagos@example.com", "Lagos Boats").await;
    let miami = app.vendor("miami@example.com", "Miami Wheels").await;
    app.create(token(&lagos), "equipment", boat("Sunseeker day boat", 4500))
        .await;
    app.create(
        token(&lagos),
        "equipment",
        boat("Zodiac 100% inflatable_rib", 2000),
    )
    .await;
    let mut car = boat("Convertible Mustang", 12000);
    car["category"] = json!("car");
    car["city"] = json!("Miami");
    car["region"] = json!("Florida");
    car["country"] = json!("US");
    car["currency"] = json!("USD");
    car["pricing_unit"] = json!("day");
    car["description"] = json!("Top down along the SUNNY coast");
    app.create(token(&miami), "equipment", car).await;
    let sorted = |mut titles: Vec<String>| {
        titles.sort();
        titles
    };
    assert_eq!(
        sorted(app.titles("category=boat").await),
        vec!["Sunseeker day boat", "Zodiac 100% inflatable_rib"]
    );
    assert_eq!(
        app.titles("category=car").await,
        vec!["Convertible Mustang"]
    );
    assert!(app.titles("category=bike").await.is_empty());
    assert_eq!(
        app.titles("location=FLORIDA").await,
        vec!["Convertible Mustang"]
    );
    assert_eq!(app.titles("location=algar").await.len(), 2);
    assert_eq!(app.titles("location=us").await, vec!["Convertible Mustang"]);
    assert_eq!(
        app.titles("q=SUN").await.len(),
        2,
        "title of one, description of the other"
    );
    assert_eq!(
        app.titles("q=100%25").await,
        vec!["Zodiac 100% inflatable_rib"],
        "% is literal"
    );
    assert_eq!(
        app.titles("q=day_boat").await,
        Vec::<String>::new(),
        "_ is literal"
    );
    assert_eq!(
        app.titles("q=e_r").await,
        vec!["Zodiac 100% inflatable_rib"]
    );
    assert_eq!(app.titles("min_price=4500").await.len(), 2, "inclusive");
    assert_eq!(app.titles("max_price=4500").await.len(), 2, "inclusive");
    assert_eq!(
        app.titles("min_price=4500&max_price=4500").await,
        vec!["Sunseeker day boat"]
    );
    assert_eq!(
        app.titles("vendor=miami-wheels").await,
        vec!["Convertible Mustang"]
    );
    assert_eq!(
        app.titles("vendor=lagos-boats&q=zodiac&category=boat&max_price=3000&location=lagos")
            .await,
        vec!["Zodiac 100% inflatable_rib"]
    );
    assert!(app
        .titles("vendor=lagos-boats&category=car")
        .await
        .is_empty());
}

async fn browse_sorts_stably_and_pages(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    for (title, price) in [("A", 300), ("B", 100), ("C", 200), ("D", 200), ("E", 500)] {
        app.create(token(&vendor), "equipment", boat(title, price))
            .await;
    }
    assert_eq!(
        app.titles("").await,
        vec!["E", "D", "C", "B", "A"],
        "newest first"
    );
    assert_eq!(
        app.titles("sort=newest").await,
        vec!["E", "D", "C", "B", "A"]
    );
    let by_price = app.titles("sort=price").await;
    assert_eq!(
        (
            by_price[0].as_str(),
            by_price[3].as_str(),
            by_price[4].as_str()
        ),
        ("B", "A", "E")
    );
    let descending = app.titles("sort=-price").await;
    assert_eq!((descending[0].as_str(), descending[4].as_str()), ("E", "B"));
    // Equal prices keep one order across pages.
    let mut paged = Vec::new();
    for page in 1..=3 {
        paged.extend(
            app.titles(&format!("sort=price&page_size=2&page={page}"))
                .await,
        );
    }
    assert_eq!(paged, by_price);
    let page = app.get("/api/v1/equipment?page=2&page_size=2", None).await;
    assert_eq!(
        (
            page.body["page"].as_u64(),
            page.body["page_size"].as_u64(),
            page.body["total"].as_u64()
        ),
        (Some(2), Some(2), Some(5))
    );
    let beyond = app.get("/api/v1/equipment?page=4&page_size=2", None).await;
    assert_eq!(beyond.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond.body["total"], 5);
    assert_eq!(app.titles("page_size=100").await.len(), 5);
}

/// A page comes from one statement with a row per image: each listing must still get exactly
/// its own images, primary first, whatever the sort.
async fn browse_gives_each_listing_its_own_images_in_page_order(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let mut ids = HashMap::new();
    for (title, price) in [("A", 300), ("B", 100), ("C", 200)] {
        let listing = app
            .create(token(&vendor), "equipment", boat(title, price))
            .await;
        ids.insert(title, listing["id"].as_str().unwrap().to_owned());
    }
    let image = |body: Value| body["id"].as_str().unwrap().to_owned();
    let a_first = image(app.upload_image(token(&vendor), &ids["A"], PNG).await.body);
    let a_primary = image(
        app.upload(
            token(&vendor),
            &format!("/api/v1/equipment/{}/images", ids["A"]),
            &[
                ("file", Some("a.jpg"), "image/jpeg", JPEG),
                ("is_primary", None, "text/plain", b"true"),
            ],
        )
        .await
        .body,
    );
    let c_only = image(app.upload_image(token(&vendor), &ids["C"], PNG).await.body);
    let expected: HashMap<&str, Vec<String>> = HashMap::from([
        ("A", vec![a_primary, a_first]),
        ("B", vec![]),
        ("C", vec![c_only]),
    ]);
    for (query, order) in [
        ("sort=price", ["B", "C", "A"]),
        ("sort=-price", ["A", "C", "B"]),
        ("sort=newest", ["C", "B", "A"]),
    ] {
        let page = app.get(&format!("/api/v1/equipment?{query}"), None).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.body["total"], 3, "{query}");
        let items = page.body["items"].as_array().unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, order, "{query}");
        for item in items {
            let title = item["title"].as_str().unwrap();
            let images: Vec<String> = item["images"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(images, expected[title], "{query}: images of {title}");
        }
    }
}

async fn bad_browse_queries_are_rejected(db: TestDb) {
    let app = spawn(db).await;
    for query in [
        "page_size=101",
        "page_size=0",
        "page=0",
        "min_price=cheap",
        "colour=red",
    ] {
        app.get(&format!("/api/v1/equipment?{query}"), None)
            .await
            .assert_problem(400, "bad_request");
    }
    let reply = app
        .get(
            "/api/v1/adventures?min_price=10&max_price=5&sort=cheapest",
            None,
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    let mut fields = reply.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["max_price", "sort"]);
}

async fn images_are_judged_by_content_and_stripped_of_metadata(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let id = app
        .create(token(&vendor), "equipment", boat("Boat", 100))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (bytes, content_type) in [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
    ] {
        let reply = app.upload_image(token(&vendor), &id, bytes).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.body["content_type"], content_type);
        assert_eq!(
            (reply.body["width"].as_i64(), reply.body["height"].as_i64()),
            (Some(5), Some(3))
        );
        let url = reply.body["url"].as_str().unwrap();
        assert!(
            url.starts_with("/media/") && url.len() > 40,
            "unguessable: {url}"
        );
        let served = app.get(url, None).await;
        assert_eq!(served.status, 200);
        assert_eq!(served.content_type(), content_type);
    }
    // A text file with a JPEG name and type is refused by content.
    let fake = app
        .upload(
            token(&vendor),
            &format!("/api/v1/equipment/{id}/images"),
            &[(
                "file",
                Some("photo.jpg"),
                "image/jpeg",
                b"just some text, not a picture",
            )],
        )
        .await;
    fake.assert_problem(415, "unsupported_media_type");
    // A PNG carrying a GPS text chunk is stored without it.
    let tagged = png_with_text_chunk(PNG, b"GPSLatitude\x0038.7 N");
    let reply = app.upload_image(token(&vendor), &id, &tagged).await;
    assert_eq!(reply.status, 201);
    let stored = std::fs::read(
        app.media.path().join(
            reply.body["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("/media/"),
        ),
    )
    .unwrap();
    assert!(!stored.windows(11).any(|w| w == b"GPSLatitude"));
    assert_eq!(reply.body["size_bytes"].as_u64(), Some(stored.len() as u64));
    assert_eq!(app.count("listing_images", "1 = 1"), 4);
    assert_eq!(
        app.media_files().len(),
        4,
        "the refused upload left no file"
    );
    // Unknown form fields and a missing file are 422; a JSON body is 415.
    let no_file = app
        .upload(
            token(&vendor),
            &format!("/api/v1/equipment/{id}/images"),
            &[("alt_text", None, "text/plain", b"x")],
        )
        .await;
    assert_eq!(no_file.field_errors(), vec!["file"]);
    let json_body = app
        .send(
            "POST",
            &format!("/api/v1/equipment/{id}/images"),
            Some(token(&vendor)),
            json!({}),
        )
        .await;
    json_body.assert_problem(415, "unsupported_media_type");
    app.get("/media/does-not-exist.png", None)
        .await
        .assert_problem(404, "not_found");
}

/// `png` with a tEXt chunk inserted after IHDR.
fn png_with_text_chunk(png: &[u8], text: &[u8]) -> Vec<u8> {
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&u32::try_from(text.len()).unwrap().to_be_bytes());
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(text);
    let crc = crc32(&[b"tEXt".as_slice(), text].concat());
    chunk.extend_from_slice(&crc.to_be_bytes());
    [&png[..ihdr_end], &chunk, &png[ihdr_end..]].concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn image_limits_are_enforced(db: TestDb) {
    let mut settings = settings(&db);
    settings.max_upload_bytes = 2048;
    let app = spawn_with(db, settings).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let id = app
        .create(token(&vendor), "equipment", boat("Boat", 100))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut big = PNG.to_vec();
    big.resize(4096, 0);
    app.upload_image(token(&vendor), &id, &big)
        .await
        .assert_problem(413, "payload_too_large");
    for _ in 0..20 {
        assert_eq!(app.upload_image(token(&vendor), &id, PNG).await.status, 201);
    }
    app.upload_image(token(&vendor), &id, PNG)
        .await
        .assert_problem(409, "too_many_images");
    assert_eq!(app.count("listing_images", "1 = 1"), 20);
    assert_eq!(app.media_files().len(), 20, "neither refusal left a file");
}

async fn the_primary_image_moves_with_updates_and_deletes(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let id = app
        .create(token(&vendor), "equipment", boat("Boat", 100))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = app.upload_image(token(&vendor), &id, PNG).await.body;
    assert_eq!(first["is_primary"], true, "the first image is primary");
    let second = app
        .upload(
            token(&vendor),
            &format!("/api/v1/equipment/{id}/images"),
            &[
                ("file", Some("b.jpg"), "image/jpeg", JPEG),
                ("alt_text", None, "text/plain", b"Bow view"),
                ("position", None, "text/plain", b"7"),
            ],
        )
        .await
        .body;
    assert_eq!(
        (
            second["is_primary"].as_bool(),
            second["position"].as_i64(),
            second["alt_text"].as_str()
        ),
        (Some(false), Some(7), Some("Bow view"))
    );
    let third = app
        .upload(
            token(&vendor),
            &format!("/api/v1/equipment/{id}/images"),
            &[
                ("file", Some("c.webp"), "image/webp", WEBP),
                ("is_primary", None, "text/plain", b"true"),
            ],
        )
        .await
        .body;
    assert_eq!(third["is_primary"], true);
    assert_eq!(app.count("listing_images", "is_primary = TRUE"), 1);
    let images = |detail: &Value| -> Vec<String> {
        detail["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let detail = app.get(&format!("/api/v1/equipment/{id}"), None).await.body;
    let ids = |v: &Value| v["id"].as_str().unwrap().to_owned();
    assert_eq!(
        images(&detail),
        vec![ids(&third), ids(&first), ids(&second)],
        "primary first, then by position"
    );
    let path = format!("/api/v1/equipment/{id}/images/{}", ids(&second));
    let updated = app
        .send(
            "PATCH",
            &path,
            Some(token(&vendor)),
            json!({"is_primary": true, "alt_text": null}),
        )
        .await;
    assert_eq!(
        (
            updated.body["is_primary"].as_bool(),
            updated.body["alt_text"].is_null()
        ),
        (Some(true), true)
    );
    assert_eq!(app.count("listing_images", "is_primary = TRUE"), 1);
    let invalid = app
        .send(
            "PATCH",
            &path,
            Some(token(&vendor)),
            json!({"position": -1, "is_primary": false}),
        )
        .await;
    let mut fields = invalid.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["is_primary", "position"]);
    assert_eq!(
        app.send("DELETE", &path, Some(token(&vendor)), json!({}))
            .await
            .status,
        204
    );
    let detail = app.get(&format!("/api/v1/equipment/{id}"), None).await.body;
    assert_eq!(images(&detail), vec![ids(&first), ids(&third)]);
    assert_eq!(
        detail["images"][0]["is_primary"], true,
        "the next image was promoted"
    );
    app.send("DELETE", &path, Some(token(&vendor)), json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.media_files().len(), 2);
}

async fn deleting_a_listing_removes_its_images_and_files(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let keep = app
        .create(token(&vendor), "equipment", boat("Keep", 100))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app
        .create(token(&vendor), "equipment", boat("Boat", 100))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.upload_image(token(&vendor), &id, PNG).await;
    app.upload_image(token(&vendor), &id, JPEG).await;
    app.upload_image(token(&vendor), &keep, PNG).await;
    let reply = app
        .send(
            "DELETE",
            &format!("/api/v1/equipment/{id}"),
            Some(token(&vendor)),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 204);
    app.get(&format!("/api/v1/equipment/{id}"), None)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("listing_images", "1 = 1"), 1);
    assert_eq!(app.count("equipment_terms", "1 = 1"), 1);
    assert_eq!(app.media_files().len(), 1);
}

async fn storefronts_show_a_vendors_public_listings(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("tours@example.com", "Cape Tours").await;
    let other = app.vendor("other@example.com", "Other").await;
    app.create(token(&vendor), "equipment", boat("Boat", 100))
        .await;
    app.create(token(&vendor), "adventures", tour("Cellar walk", 100))
        .await;
    let mut hidden = tour("Hidden", 100);
    hidden["is_active"] = json!(false);
    app.create(token(&vendor), "adventures", hidden).await;
    app.create(token(&other), "equipment", boat("Not theirs", 100))
        .await;
    let front = app.get("/api/v1/vendors/cape-tours", None).await;
    assert_eq!(front.status, 200);
    assert_eq!(front.body["business_name"], "Cape Tours");
    assert_eq!(front.body["equipment"].as_array().unwrap().len(), 1);
    let adventures = front.body["adventures"].as_array().unwrap();
    assert_eq!(adventures.len(), 1);
    assert_eq!(adventures[0]["title"], "Cellar walk");
    assert!(front.body.get("user_id").is_none() && front.body.get("email").is_none());
    app.get("/api/v1/vendors/nobody-here", None)
        .await
        .assert_problem(404, "not_found");
}
