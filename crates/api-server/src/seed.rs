//! `api-server seed-demo`: a demo data set for trying the API right away.
//!
//! Four vendors in four time zones (boats in Lagos, cars and motorcycles in Miami, bikes in
//! Queenstown, tours around Cape Town), three customers and an administrator, with dozens of
//! listings of every category, each with one to three generated pictures. Everything goes
//! through the services, exactly as the API would do it: accounts are registered, listings
//! are created by their vendor and pictures are uploaded (checked, stored under `MEDIA_ROOT`
//! and served under `/media/`).
//!
//! The set is loaded once: when the first demo vendor's e-mail address is taken, nothing is
//! changed. A run that fails half-way leaves what it created; start again from a fresh
//! database in that case.

use std::collections::HashMap;
use std::fmt;

use domain_accounts::{
    CreateAdminOutcome, Principal, RegisterError, RegisterInput, Role, VendorInput,
};
use domain_catalog::{ImageUpload, ListingInput, ListingKind};
use serde_json::{json, Value};

use crate::state::AppState;

/// The password of every demo customer and vendor.
pub const DEMO_PASSWORD: &str = "demo-password-2026";
/// The demo administrator. Its password satisfies the administrator policy (12 characters,
/// three character classes, not containing the e-mail's local part).
pub const DEMO_ADMIN_EMAIL: &str = "admin@example.com";
pub const DEMO_ADMIN_PASSWORD: &str = "Demo-Root-2026!";

/// One demo account, for the list printed after seeding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: Role,
    pub email: &'static str,
    pub password: &'static str,
    /// The person, or for a vendor the business and its city.
    pub label: String,
}

/// Every demo account: the administrator, the vendors, then the customers.
pub fn demo_logins() -> Vec<DemoLogin> {
    let mut logins = vec![DemoLogin {
        role: Role::Admin,
        email: DEMO_ADMIN_EMAIL,
        password: DEMO_ADMIN_PASSWORD,
        label: "administrator".to_owned(),
    }];
    logins.extend(vendors().iter().map(|vendor| DemoLogin {
        role: Role::Vendor,
        email: vendor.email,
        password: DEMO_PASSWORD,
        label: format!(
            "{} ({}, {}, {})",
            vendor.business_name, vendor.city, vendor.country, vendor.timezone
        ),
    }));
    logins.extend(CUSTOMERS.iter().map(|customer| DemoLogin {
        role: Role::Customer,
        email: customer.email,
        password: DEMO_PASSWORD,
        label: customer.full_name.to_owned(),
    }));
    logins
}

/// What a run created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// The data set was there already; nothing was created.
    pub already_present: bool,
    pub vendors: usize,
    pub customers: usize,
    pub admins: usize,
    pub equipment: usize,
    pub adventures: usize,
    /// Listings (of both kinds) created inactive.
    pub inactive: usize,
    pub images: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_present {
            return write!(
                f,
                "the demo data set is already loaded ({} exists); nothing changed",
                vendors()[0].email
            );
        }
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "loaded the demo data set: {}, {}, {}, {}, {} ({} inactive), {}",
            plural(self.vendors, "vendor", "vendors"),
            plural(self.customers, "customer", "customers"),
            plural(self.admins, "admin", "admins"),
            plural(self.equipment, "equipment item", "equipment items"),
            plural(self.adventures, "adventure", "adventures"),
            self.inactive,
            plural(self.images, "image", "images"),
        )
    }
}

/// Loads the demo data set unless its first vendor exists already (see the module doc).
pub fn seed_demo(state: &AppState) -> Result<SeedReport, String> {
    let mut report = SeedReport::default();
    let mut pictures = Pictures::default();
    let mut listing_number = 0_usize;
    for (index, vendor) in vendors().iter().enumerate() {
        let session = match state.accounts.register(vendor.register_input()) {
            Ok(session) => session,
            Err(RegisterError::EmailTaken) if index == 0 => {
                return Ok(SeedReport {
                    already_present: true,
                    ..SeedReport::default()
                })
            }
            Err(RegisterError::EmailTaken) => {
                return Err(format!(
                    "{} exists but {} does not: the database holds part of the demo data set \
                     or accounts of its own with these addresses; seed a fresh database",
                    vendor.email,
                    vendors()[0].email
                ))
            }
            Err(error) => return Err(format!("cannot register {}: {error}", vendor.email)),
        };
        report.vendors += 1;
        let principal = Principal {
            user_id: session.account.user.id,
            role: Role::Vendor,
        };
        let mut codes: HashMap<&str, usize> = HashMap::new();
        for (item, seed) in (vendor.listings)().into_iter().enumerate() {
            let kind = seed.kind();
            let code = match kind {
                ListingKind::Equipment => {
                    let n = codes.entry(seed.category).or_insert(0);
                    *n += 1;
                    Some(format!(
                        "{}-{}-{:02}",
                        vendor.code,
                        seed.category.to_uppercase(),
                        n
                    ))
                }
                ListingKind::Adventure => None,
            };
            let input = seed.input(vendor, item, code);
            let listing = state
                .catalog
                .create_listing(&principal, kind, input)
                .map_err(|error| format!("cannot create \"{}\": {error}", seed.title))?;
            match kind {
                ListingKind::Equipment => report.equipment += 1,
                ListingKind::Adventure => report.adventures += 1,
            }
            if !seed.active {
                report.inactive += 1;
            }
            // One to three pictures, the first primary, in a varying order of variants.
            let count = 1 + listing_number % 3;
            for n in 0..count {
                let variant = (listing_number + n) % VARIANTS;
                let upload = ImageUpload {
                    bytes: pictures.get(seed.category, variant)?,
                    alt_text: Some(format!("{} (photo {} of {count})", seed.title, n + 1)),
                    is_primary: Some(n == 0),
                    position: Some(i64::try_from(n).unwrap_or(0)),
                };
                state
                    .catalog
                    .add_image(&principal, kind, &listing.id, upload)
                    .map_err(|error| {
                        format!("cannot add a picture to \"{}\": {error}", seed.title)
                    })?;
                report.images += 1;
            }
            listing_number += 1;
        }
    }
    for customer in CUSTOMERS {
        let input = RegisterInput {
            email: customer.email.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: "customer".to_owned(),
            full_name: Some(customer.full_name.to_owned()),
            phone: Some(customer.phone.to_owned()),
            vendor: None,
        };
        match state.accounts.register(input) {
            Ok(_) => report.customers += 1,
            Err(RegisterError::EmailTaken) => {
                tracing::warn!(email = customer.email, "account exists; left as it is");
            }
            Err(error) => return Err(format!("cannot register {}: {error}", customer.email)),
        }
    }
    match state
        .accounts
        .create_admin(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        .map_err(|error| format!("cannot create {DEMO_ADMIN_EMAIL}: {error}"))?
    {
        CreateAdminOutcome::Created(_) => report.admins += 1,
        CreateAdminOutcome::AlreadyExists(role) => {
            tracing::warn!(email = DEMO_ADMIN_EMAIL, %role, "account exists; left as it is");
        }
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// The accounts.

struct CustomerSeed {
    email: &'static str,
    full_name: &'static str,
    phone: &'static str,
}

const CUSTOMERS: [CustomerSeed; 3] = [
    CustomerSeed {
        email: "ana.customer@example.com",
        full_name: "Ana Lima",
        phone: "+351 912 345 678",
    },
    CustomerSeed {
        email: "ben.customer@example.com",
        full_name: "Ben Carter",
        phone: "+1 305 555 0199",
    },
    CustomerSeed {
        email: "chloe.customer@example.com",
        full_name: "Chloé Martin",
        phone: "+33 6 12 34 56 78",
    },
];

struct VendorSeed {
    email: &'static str,
    full_name: &'static str,
    phone: &'static str,
    business_name: &'static str,
    description: &'static str,
    website: &'static str,
    address: &'static str,
    city: &'static str,
    region: &'static str,
    country: &'static str,
    timezone: &'static str,
    currency: &'static str,
    latitude: f64,
    longitude: f64,
    /// Prefix of the item codes.
    code: &'static str,
    listings: fn() -> Vec<ListingSeed>,
}

impl VendorSeed {
    fn register_input(&self) -> RegisterInput {
        RegisterInput {
            email: self.email.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: "vendor".to_owned(),
            full_name: Some(self.full_name.to_owned()),
            phone: Some(self.phone.to_owned()),
            vendor: Some(VendorInput {
                business_name: self.business_name.to_owned(),
                slug: None,
                description: Some(self.description.to_owned()),
                contact_email: Some(self.email.to_owned()),
                contact_phone: Some(self.phone.to_owned()),
                website: Some(self.website.to_owned()),
                city: Some(self.city.to_owned()),
                country: Some(self.country.to_owned()),
                timezone: Some(self.timezone.to_owned()),
            }),
        }
    }
}

fn vendors() -> [VendorSeed; 4] {
    [
        VendorSeed {
            email: "lagos-boats@example.com",
            full_name: "Marta Sousa",
            phone: "+351 282 000 101",
            business_name: "Lagos Blue Water Boats",
            description: "Family-run boat rental on the Lagos marina since 1998: open boats you \
                          can drive without a licence, RIBs, sailing yachts and catamarans with \
                          a skipper, kayaks for the grottoes of Ponta da Piedade, and e-bikes \
                          for the coastal trail.",
            website: "https://lagos-boats.example.com",
            address: "Marina de Lagos, Pontão C",
            city: "Lagos",
            region: "Algarve",
            country: "PT",
            timezone: "Europe/Lisbon",
            currency: "EUR",
            latitude: 37.1086,
            longitude: -8.6736,
            code: "LBW",
            listings: lagos_listings,
        },
        VendorSeed {
            email: "miami-wheels@example.com",
            full_name: "Carlos Rivera",
            phone: "+1 305 555 0142",
            business_name: "Brickell Bay Car & Moto Rentals",
            description: "Convertibles, EVs, SUVs and motorcycles in downtown Miami, delivered \
                          to your hotel on request. Bay cruisers for a day on Biscayne Bay and \
                          guided rides down the Overseas Highway.",
            website: "https://miami-wheels.example.com",
            address: "1450 Brickell Bay Drive",
            city: "Miami",
            region: "Florida",
            country: "US",
            timezone: "America/New_York",
            currency: "USD",
            latitude: 25.7590,
            longitude: -80.1897,
            code: "MIA",
            listings: miami_listings,
        },
        VendorSeed {
            email: "queenstown-bikes@example.com",
            full_name: "Aroha Ngata",
            phone: "+64 3 555 0177",
            business_name: "Wakatipu Cycle Co.",
            description: "Mountain bikes, e-bikes and trail motorbikes at the foot of the \
                          Remarkables. We service every bike after each hire, know every track \
                          from Coronet Peak to the Gibbston Valley, and rent kayaks for the \
                          lake.",
            website: "https://wakatipu-cycles.example.com",
            address: "27 Camp Street",
            city: "Queenstown",
            region: "Otago",
            country: "NZ",
            timezone: "Pacific/Auckland",
            currency: "NZD",
            latitude: -45.0312,
            longitude: 168.6626,
            code: "WCC",
            listings: queenstown_listings,
        },
        VendorSeed {
            email: "capetown-tours@example.com",
            full_name: "Thandi Mokoena",
            phone: "+27 21 555 0199",
            business_name: "Table Mountain Trails & Tastings",
            description: "Small-group wine tours in the Cape Winelands, guided hikes on Table \
                          Mountain and the peninsula, and day excursions from penguins to \
                          whales. Registered Western Cape tour operator; hotel pick-up in the \
                          City Bowl and Atlantic Seaboard.",
            website: "https://table-mountain-trails.example.com",
            address: "Quay 5, V&A Waterfront",
            city: "Cape Town",
            region: "Western Cape",
            country: "ZA",
            timezone: "Africa/Johannesburg",
            currency: "ZAR",
            latitude: -33.9036,
            longitude: 18.4209,
            code: "TMT",
            listings: cape_town_listings,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// The listings.

enum Terms {
    Hourly {
        daily_cap: Option<i64>,
        quantity: i64,
    },
    Daily {
        weekly_price: Option<i64>,
        quantity: i64,
    },
    Tour {
        duration_minutes: i64,
        capacity: i64,
        min_participants: i64,
        meeting_point: &'static str,
    },
}

/// Where an adventure takes place when it is not in its vendor's city.
struct Place {
    city: &'static str,
    latitude: f64,
    longitude: f64,
}

struct ListingSeed {
    category: &'static str,
    title: &'static str,
    description: &'static str,
    /// `unit_price` or `price_per_person`, minor units of the vendor's currency.
    price: i64,
    terms: Terms,
    policy: Option<&'static str>,
    attributes: Value,
    place: Option<Place>,
    active: bool,
}

fn hourly(
    category: &'static str,
    title: &'static str,
    price: i64,
    daily_cap: Option<i64>,
    quantity: i64,
) -> ListingSeed {
    ListingSeed::new(
        category,
        title,
        price,
        Terms::Hourly {
            daily_cap,
            quantity,
        },
    )
}

fn daily(
    category: &'static str,
    title: &'static str,
    price: i64,
    weekly_price: Option<i64>,
    quantity: i64,
) -> ListingSeed {
    ListingSeed::new(
        category,
        title,
        price,
        Terms::Daily {
            weekly_price,
            quantity,
        },
    )
}

fn tour(
    category: &'static str,
    title: &'static str,
    price_per_person: i64,
    duration_minutes: i64,
    capacity: i64,
    meeting_point: &'static str,
) -> ListingSeed {
    ListingSeed::new(
        category,
        title,
        price_per_person,
        Terms::Tour {
            duration_minutes,
            capacity,
            min_participants: if capacity >= 6 { 2 } else { 1 },
            meeting_point,
        },
    )
}

const POLICIES: [&str; 3] = ["moderate", "flexible", "strict"];

impl ListingSeed {
    fn new(category: &'static str, title: &'static str, price: i64, terms: Terms) -> Self {
        Self {
            category,
            title,
            description: "",
            price,
            terms,
            policy: None,
            attributes: json!({}),
            place: None,
            active: true,
        }
    }

    fn about(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    fn attrs(mut self, attributes: Value) -> Self {
        self.attributes = attributes;
        self
    }

    fn policy(mut self, policy: &'static str) -> Self {
        self.policy = Some(policy);
        self
    }

    fn at(mut self, city: &'static str, latitude: f64, longitude: f64) -> Self {
        self.place = Some(Place {
            city,
            latitude,
            longitude,
        });
        self
    }

    fn inactive(mut self) -> Self {
        self.active = false;
        self
    }

    fn kind(&self) -> ListingKind {
        match self.terms {
            Terms::Tour { .. } => ListingKind::Adventure,
            Terms::Hourly { .. } | Terms::Daily { .. } => ListingKind::Equipment,
        }
    }

    /// The create request, as a vendor would send it. `item` numbers the vendor's listings.
    fn input(&self, vendor: &VendorSeed, item: usize, item_code: Option<String>) -> ListingInput {
        let (city, latitude, longitude, address) = match &self.place {
            Some(place) => (place.city, place.latitude, place.longitude, None),
            // Equipment waits at or around the vendor's premises.
            None => (
                vendor.city,
                vendor.latitude + jitter(item, 7),
                vendor.longitude + jitter(item, 13),
                Some(vendor.address.to_owned()),
            ),
        };
        let mut input = ListingInput {
            category: Some(self.category.to_owned()),
            title: Some(self.title.to_owned()),
            description: Some(Some(self.description.to_owned())),
            address: Some(address),
            city: Some(city.to_owned()),
            region: Some(Some(vendor.region.to_owned())),
            country: Some(vendor.country.to_owned()),
            latitude: Some(Some(latitude)),
            longitude: Some(Some(longitude)),
            currency: Some(vendor.currency.to_owned()),
            cancellation_policy: Some(
                self.policy
                    .unwrap_or(POLICIES[item % POLICIES.len()])
                    .to_owned(),
            ),
            is_active: Some(self.active),
            attributes: Some(self.attributes.clone()),
            ..ListingInput::default()
        };
        let (lead_time, buffer, min_duration, max_advance) = match self.category {
            "boat" => (60, 30, Some(60), 270),
            "car" => (120, 60, None, 365),
            "bike" => (30, 15, Some(60), 180),
            "motorcycle" => (120, 30, None, 365),
            // Adventures: book the day before; wine tours until the morning.
            "wine-tour" => (720, 0, None, 0),
            _ => (1440, 0, None, 0),
        };
        input.lead_time_minutes = Some(lead_time);
        match self.terms {
            Terms::Hourly {
                daily_cap,
                quantity,
            } => {
                input.pricing_unit = Some("hour".to_owned());
                input.unit_price = Some(self.price);
                input.daily_cap = Some(daily_cap);
                input.quantity = Some(quantity);
                input.min_duration_minutes = Some(min_duration);
            }
            Terms::Daily {
                weekly_price,
                quantity,
            } => {
                input.pricing_unit = Some("day".to_owned());
                input.unit_price = Some(self.price);
                input.weekly_price = Some(weekly_price);
                input.quantity = Some(quantity);
            }
            Terms::Tour {
                duration_minutes,
                capacity,
                min_participants,
                meeting_point,
            } => {
                input.price_per_person = Some(self.price);
                input.duration_minutes = Some(duration_minutes);
                input.capacity = Some(capacity);
                input.min_participants = Some(min_participants);
                input.meeting_point = Some(Some(meeting_point.to_owned()));
            }
        }
        if self.kind() == ListingKind::Equipment {
            input.item_code = Some(item_code);
            input.buffer_minutes = Some(buffer);
            input.max_advance_days = Some(max_advance);
        }
        input
    }
}

/// A repeatable offset of at most ±0.012° (about a kilometre), rounded to 5 decimals.
fn jitter(item: usize, salt: usize) -> f64 {
    let step = (item * 37 + salt * 11) % 25;
    let offset = (step as f64 - 12.0) * 0.001;
    (offset * 100_000.0).round() / 100_000.0
}

fn lagos_listings() -> Vec<ListingSeed> {
    vec![
        hourly(
            "boat",
            "Quicksilver 505 Open: no licence needed",
            4_500,
            Some(25_000),
            3,
        )
        .about(
            "A stable 5-metre open boat with a 15 hp outboard, the one boat in Portugal you \
                 may drive without a licence. Ideal for the beaches between Lagos and Luz. Fuel, \
                 life jackets and a short briefing included.",
        )
        .attrs(
            json!({"seats": 5, "engine_hp": 15, "skipper_included": false,
                "licence_required": false, "fuel_included": true}),
        )
        .policy("flexible"),
        hourly(
            "boat",
            "Jeanneau Cap Camarat 6.5 WA",
            9_500,
            Some(55_000),
            2,
        )
        .about(
            "Walk-around sport boat with a sun deck and a 200 hp Yamaha: Lagos to Benagil \
                 in 40 minutes. Boat licence required; fuel charged on return.",
        )
        .attrs(
            json!({"seats": 8, "engine_hp": 200, "skipper_included": false,
                "licence_required": true, "length_m": 6.5}),
        ),
        daily(
            "boat",
            "Bavaria C38 sailing yacht with skipper",
            65_000,
            Some(390_000),
            1,
        )
        .about(
            "Three-cabin sailing yacht for a day along the Algarve coast or a week to the \
                 Guadiana. Our skipper sails; you swim, fish and steer when you like.",
        )
        .attrs(
            json!({"seats": 8, "engine_hp": 30, "skipper_included": true,
                "cabins": 3, "length_m": 11.3}),
        )
        .policy("strict"),
        daily(
            "boat",
            "Lagoon 40 catamaran, full day with skipper",
            120_000,
            Some(720_000),
            1,
        )
        .about(
            "Spacious catamaran for families and groups: trampolines, paddle boards and \
                 snorkelling gear on board. Skipper and fuel included.",
        )
        .attrs(
            json!({"seats": 12, "engine_hp": 90, "skipper_included": true,
                "cabins": 4, "length_m": 11.7}),
        )
        .policy("strict"),
        hourly("boat", "Zodiac Medline 580 RIB", 8_000, Some(45_000), 2)
            .about(
                "Fast and dry rigid inflatable for exploring the grottoes of Ponta da Piedade. \
                 Boat licence required.",
            )
            .attrs(
                json!({"seats": 10, "engine_hp": 150, "skipper_included": false,
                "licence_required": true}),
            ),
        hourly("boat", "Double sea kayak", 1_200, Some(4_000), 5)
            .about(
                "Sit-on-top kayak for two, with paddles, dry bag and life jackets. Launch from \
                 Praia da Batata and paddle into the caves at high tide.",
            )
            .attrs(
                json!({"seats": 2, "engine_hp": 0, "skipper_included": false,
                "licence_required": false}),
            )
            .policy("flexible"),
        hourly(
            "boat",
            "Pescador 5.2 fishing boat with gear",
            6_000,
            Some(32_000),
            1,
        )
        .about(
            "Centre-console fishing boat with rods, bait and a cool box. Sea bream and \
                 mackerel a mile off the marina; licence required.",
        )
        .attrs(
            json!({"seats": 4, "engine_hp": 60, "skipper_included": false,
                "licence_required": true, "fishing_gear": true}),
        ),
        daily(
            "boat",
            "Classic wooden dinghy (under restoration)",
            9_000,
            None,
            1,
        )
        .about("Our 1962 wooden sailing dinghy is being restored; back next season.")
        .attrs(json!({"seats": 3, "engine_hp": 0, "skipper_included": false}))
        .inactive(),
        hourly(
            "bike",
            "Coastal e-bike for the Ecovia do Litoral",
            1_200,
            Some(3_500),
            4,
        )
        .about(
            "Trekking e-bike with a 500 Wh battery: enough for Lagos to Sagres and back. \
                 Helmet, lock and pannier included.",
        )
        .attrs(json!({"frame_size": "M", "electric": true, "battery_wh": 500}))
        .policy("flexible"),
        daily("bike", "City bike with basket", 1_500, Some(7_500), 5)
            .about("Seven-speed city bike for the old town and the beaches. Lock included.")
            .attrs(json!({"frame_size": "M", "electric": false, "gears": 7})),
        tour(
            "excursion",
            "Ponta da Piedade grottoes by boat",
            3_000,
            75,
            10,
            "Marina de Lagos, kiosk 4",
        )
        .about(
            "A small boat slips into the sea caves and arches of Ponta da Piedade, with a \
                 local skipper telling their stories. Life jackets provided.",
        )
        .attrs(
            json!({"languages": ["pt", "en", "es"], "included": ["life jackets"],
                "min_age": 4}),
        )
        .policy("flexible"),
        tour(
            "excursion",
            "Benagil cave and seven hanging valleys coast",
            4_500,
            150,
            12,
            "Marina de Lagos, kiosk 4",
        )
        .about(
            "Fast RIB ride east along the cliffs to the Benagil sea cave, with a swim stop \
                 at a beach only reachable from the sea.",
        )
        .attrs(
            json!({"languages": ["pt", "en"], "included": ["life jackets", "water"],
                "min_age": 6}),
        ),
    ]
}

fn miami_listings() -> Vec<ListingSeed> {
    vec![
        daily(
            "car",
            "Ford Mustang GT Convertible",
            18_900,
            Some(113_400),
            2,
        )
        .about(
            "V8, top down, Ocean Drive. Unlimited miles in Florida; SunPass toll transponder \
                 included.",
        )
        .attrs(
            json!({"seats": 4, "transmission": "automatic", "fuel": "gasoline",
                "doors": 2, "convertible": true}),
        ),
        daily("car", "Tesla Model 3 Long Range", 12_900, Some(77_400), 3)
            .about(
                "Quiet, quick and free to charge at our Brickell garage. 330 miles of range: \
                 Key West on one charge.",
            )
            .attrs(
                json!({"seats": 5, "transmission": "automatic", "fuel": "electric",
                "range_miles": 333}),
            )
            .policy("flexible"),
        daily(
            "car",
            "Jeep Wrangler Unlimited Sahara",
            14_500,
            Some(87_000),
            2,
        )
        .about("Removable roof and four-wheel drive for the beach and the Everglades.")
        .attrs(
            json!({"seats": 5, "transmission": "automatic", "fuel": "gasoline",
                "four_wheel_drive": true}),
        ),
        daily("car", "Toyota Corolla Hybrid", 5_900, Some(35_400), 5)
            .about("Economical and easy to park in South Beach. 50 mpg.")
            .attrs(json!({"seats": 5, "transmission": "automatic", "fuel": "hybrid"}))
            .policy("flexible"),
        daily("car", "Chevrolet Suburban", 17_900, Some(107_400), 2)
            .about(
                "Eight seats and room for the luggage of all of them. Airport pick-up available.",
            )
            .attrs(json!({"seats": 8, "transmission": "automatic", "fuel": "gasoline"})),
        daily("car", "Mini Cooper S Convertible", 9_900, Some(59_400), 2)
            .about("A six-speed manual for those who still like a clutch pedal.")
            .attrs(
                json!({"seats": 4, "transmission": "manual", "fuel": "gasoline",
                "convertible": true}),
            ),
        daily(
            "car",
            "Chevrolet Corvette Stingray",
            39_900,
            Some(239_400),
            1,
        )
        .about(
            "Mid-engine, 495 hp. Drivers 25 and over with a clean record; a deposit is \
                 held on the card.",
        )
        .attrs(
            json!({"seats": 2, "transmission": "automatic", "fuel": "gasoline",
                "min_driver_age": 25}),
        )
        .policy("strict"),
        daily(
            "car",
            "Chrysler Pacifica Hybrid minivan",
            11_900,
            Some(71_400),
            2,
        )
        .about("Seven seats, sliding doors and two child seats on request.")
        .attrs(json!({"seats": 7, "transmission": "automatic", "fuel": "hybrid"})),
        daily(
            "motorcycle",
            "Harley-Davidson Street Glide",
            22_900,
            Some(137_400),
            2,
        )
        .about("The classic bagger for the Overseas Highway. Helmets and rain gear included.")
        .attrs(json!({"engine_cc": 1868, "licence_class": "M", "seats": 2})),
        daily(
            "motorcycle",
            "BMW R 1250 GS Adventure",
            19_900,
            Some(119_400),
            1,
        )
        .about("Comfortable for two with panniers for a week in the Keys.")
        .attrs(json!({"engine_cc": 1254, "licence_class": "M", "seats": 2})),
        hourly("motorcycle", "Vespa GTS 300 scooter", 2_500, Some(8_900), 4)
            .about("The easiest way around Miami Beach. Two helmets in the top case.")
            .attrs(json!({"engine_cc": 278, "licence_class": "M", "seats": 2}))
            .policy("flexible"),
        daily("motorcycle", "Honda Rebel 500", 9_900, Some(59_400), 3)
            .about("Low seat, light clutch: a friendly cruiser for new riders.")
            .attrs(json!({"engine_cc": 471, "licence_class": "M", "seats": 2})),
        daily("motorcycle", "Ducati Monster", 17_900, Some(107_400), 1)
            .about("937 cc of Italian naked bike. Riders 25 and over.")
            .attrs(json!({"engine_cc": 937, "licence_class": "M", "seats": 2}))
            .policy("strict"),
        daily(
            "motorcycle",
            "Triumph Bonneville T120 (in the workshop)",
            14_900,
            None,
            1,
        )
        .about("Back on the road after its service.")
        .attrs(json!({"engine_cc": 1200, "licence_class": "M", "seats": 2}))
        .inactive(),
        hourly("boat", "Sea Ray SPX 190 bowrider", 14_900, Some(89_900), 2)
            .about(
                "Biscayne Bay, Stiltsville and the sandbar. Boating safety card required; \
                 captain available on request.",
            )
            .attrs(
                json!({"seats": 8, "engine_hp": 250, "skipper_included": false,
                "licence_required": true}),
            ),
        hourly("boat", "Bennington 22 pontoon", 12_500, Some(75_000), 1)
            .about("A floating living room for twelve, with a bimini top and a swim ladder.")
            .attrs(
                json!({"seats": 12, "engine_hp": 150, "skipper_included": false,
                "licence_required": true}),
            ),
        tour(
            "excursion",
            "Guided ride down the Overseas Highway to Key West",
            39_900,
            600,
            6,
            "1450 Brickell Bay Drive, garage level 1",
        )
        .about(
            "A day on two wheels across 42 bridges with a lead rider and a support van. \
                 Motorcycle, fuel and lunch in Islamorada included.",
        )
        .attrs(
            json!({"languages": ["en", "es"], "included": ["motorcycle", "fuel",
                "lunch"], "min_age": 21}),
        )
        .policy("strict"),
    ]
}

fn queenstown_listings() -> Vec<ListingSeed> {
    vec![
        hourly(
            "bike",
            "Specialized Turbo Levo e-MTB",
            4_500,
            Some(14_900),
            4,
        )
        .about(
            "Full-suspension electric mountain bike for the Coronet Peak and Skyline \
                 trails. Helmet, pads and trail map included.",
        )
        .attrs(
            json!({"frame_size": "M", "electric": true, "suspension": "full",
                "battery_wh": 700}),
        ),
        daily("bike", "Trek Fuel EX 8 trail bike", 8_900, Some(44_500), 3)
            .about("A capable all-rounder for Seven Mile and Wynyard bike parks.")
            .attrs(json!({"frame_size": "L", "electric": false, "suspension": "full"})),
        daily("bike", "Giant Talon hardtail", 5_500, Some(27_500), 4)
            .about("Light hardtail for the Frankton Track and the lakeside trails.")
            .attrs(json!({"frame_size": "S", "electric": false, "suspension": "front"}))
            .policy("flexible"),
        hourly(
            "bike",
            "Queenstown Trail e-bike (step-through)",
            3_500,
            Some(11_000),
            5,
        )
        .about(
            "Comfortable step-through e-bike for the Queenstown Trail to Arrowtown and the \
                 Gibbston wineries.",
        )
        .attrs(json!({"frame_size": "M", "electric": true, "battery_wh": 500}))
        .policy("flexible"),
        daily(
            "bike",
            "Kids' 24-inch mountain bike",
            3_500,
            Some(17_500),
            3,
        )
        .about("For riders aged 8 to 12; a kids' helmet comes with it.")
        .attrs(json!({"frame_size": "24in", "electric": false})),
        daily(
            "bike",
            "Santa Cruz Megatower enduro bike",
            12_900,
            Some(64_500),
            2,
        )
        .about("Long-travel enduro bike for the gondola-served Skyline runs.")
        .attrs(
            json!({"frame_size": "L", "electric": false, "suspension": "full",
                "travel_mm": 165}),
        )
        .policy("strict"),
        daily("bike", "Tandem touring bike", 7_900, Some(39_500), 1)
            .about("Two riders, one bike, one argument about who steers.")
            .attrs(json!({"frame_size": "L", "electric": false, "seats": 2})),
        daily(
            "motorcycle",
            "Kawasaki KLR650 adventure bike",
            18_900,
            Some(113_400),
            2,
        )
        .about("Gravel roads to Glenorchy and Skippers Canyon. Full NZ class 6 licence.")
        .attrs(json!({"engine_cc": 652, "licence_class": "6"})),
        daily(
            "motorcycle",
            "Honda CRF300L trail bike",
            12_900,
            Some(77_400),
            2,
        )
        .about("Light dual-sport bike for high-country station tracks.")
        .attrs(json!({"engine_cc": 286, "licence_class": "6"})),
        daily("motorcycle", "Yamaha Tracer 9 GT", 21_500, Some(129_000), 1)
            .about("Sport tourer for the Crown Range and the road to Milford Sound.")
            .attrs(json!({"engine_cc": 890, "licence_class": "6"})),
        daily(
            "car",
            "Toyota Hilux double cab with bike rack",
            16_500,
            Some(99_000),
            2,
        )
        .about("Takes four riders and four bikes to any trailhead in the Wakatipu Basin.")
        .attrs(
            json!({"seats": 5, "transmission": "automatic", "fuel": "diesel",
                "four_wheel_drive": true, "bike_rack": 4}),
        ),
        hourly(
            "boat",
            "Lake Wakatipu sit-on-top kayak",
            2_500,
            Some(9_000),
            5,
        )
        .about("Paddle from Queenstown Bay to Sunshine Bay. Wetsuits available.")
        .attrs(
            json!({"seats": 1, "engine_hp": 0, "skipper_included": false,
                "licence_required": false}),
        )
        .policy("flexible"),
        tour(
            "wine-tour",
            "Gibbston Valley wine cycle",
            19_500,
            300,
            10,
            "Gibbston Valley Winery car park",
        )
        .about(
            "E-bikes along the Gibbston River Trail to four cellar doors, with a platter \
                 lunch and a shuttle back to town.",
        )
        .attrs(
            json!({"tastings": 4, "lunch_included": true, "pickup": true,
                "languages": ["en"], "min_age": 18}),
        )
        .at("Gibbston", -45.0222, 168.9424),
        tour(
            "hiking",
            "Ben Lomond summit with a guide",
            16_500,
            480,
            8,
            "Skyline gondola base station, Brecon Street",
        )
        .about(
            "Gondola up, then 1,400 metres of climbing to the summit at 1,748 m for the \
                 view over Lake Wakatipu and the Remarkables.",
        )
        .attrs(json!({"difficulty": "challenging", "distance_km": 11,
                "elevation_gain_m": 1000, "languages": ["en"]}))
        .policy("strict"),
    ]
}

fn cape_town_listings() -> Vec<ListingSeed> {
    vec![
        tour(
            "wine-tour",
            "Stellenbosch wine route: four estates and lunch",
            185_000,
            480,
            12,
            "Hotel pick-up in the City Bowl",
        )
        .about(
            "Four historic estates of the Stellenbosch wine route, a cellar tour and a \
                 long lunch among the vines. Transport by air-conditioned minibus.",
        )
        .attrs(
            json!({"tastings": 4, "lunch_included": true, "pickup": true,
                "languages": ["en", "af"], "min_age": 18}),
        )
        .at("Stellenbosch", -33.9321, 18.8602),
        tour(
            "wine-tour",
            "Franschhoek Wine Tram hop-on hop-off",
            145_000,
            420,
            20,
            "Franschhoek Wine Tram terminal, Main Road",
        )
        .about("An open-air tram and bus line through eight Franschhoek wine farms.")
        .attrs(
            json!({"tastings": 4, "lunch_included": false, "pickup": false,
                "languages": ["en"], "min_age": 18}),
        )
        .at("Franschhoek", -33.9133, 19.1169)
        .policy("flexible"),
        tour(
            "wine-tour",
            "Constantia Valley afternoon tasting",
            110_000,
            240,
            10,
            "Hotel pick-up in the City Bowl",
        )
        .about("South Africa's oldest wine region, twenty minutes from the city centre.")
        .attrs(
            json!({"tastings": 3, "lunch_included": false, "pickup": true,
                "languages": ["en"], "min_age": 18}),
        )
        .at("Constantia", -34.0276, 18.4245),
        tour(
            "wine-tour",
            "Paarl and Wellington boutique cellars",
            135_000,
            360,
            8,
            "Hotel pick-up in the City Bowl",
        )
        .about("Small family cellars, a brandy distillery and a view from Paarl Rock.")
        .attrs(
            json!({"tastings": 4, "lunch_included": true, "pickup": true,
                "languages": ["en", "af"], "min_age": 18}),
        )
        .at("Paarl", -33.7342, 18.9621),
        tour(
            "wine-tour",
            "Cap Classique bubbles and cheese pairing",
            95_000,
            180,
            14,
            "Tasting room, Quay 5, V&A Waterfront",
        )
        .about("Six Méthode Cap Classique sparkling wines paired with Cape cheeses.")
        .attrs(
            json!({"tastings": 6, "lunch_included": false, "pickup": false,
                "languages": ["en"], "min_age": 18}),
        )
        .policy("flexible"),
        tour(
            "wine-tour",
            "Private sunset tasting on a Helderberg estate",
            320_000,
            180,
            6,
            "Hotel pick-up in the City Bowl",
        )
        .about("Just your group, a winemaker and the sun setting over False Bay.")
        .attrs(
            json!({"tastings": 5, "lunch_included": false, "pickup": true,
                "private": true, "languages": ["en", "af", "xh"], "min_age": 18}),
        )
        .at("Somerset West", -34.0560, 18.8667)
        .policy("strict"),
        tour(
            "hiking",
            "Table Mountain via Platteklip Gorge",
            65_000,
            240,
            12,
            "Lower cable station, Tafelberg Road",
        )
        .about(
            "The most direct route to the top of Table Mountain: steep steps, big views, \
                 and the cable car down.",
        )
        .attrs(json!({"difficulty": "moderate", "distance_km": 6,
                "elevation_gain_m": 700, "languages": ["en", "xh"]}))
        .at("Cape Town", -33.9483, 18.4026),
        tour(
            "hiking",
            "Lion's Head sunrise hike",
            55_000,
            180,
            10,
            "Lion's Head car park, Signal Hill Road",
        )
        .about("Chains, ladders and the city waking up below. Head torches provided.")
        .attrs(json!({"difficulty": "challenging", "distance_km": 5.5,
                "elevation_gain_m": 400, "languages": ["en"]}))
        .at("Cape Town", -33.9353, 18.3894),
        tour(
            "hiking",
            "Skeleton Gorge and Kirstenbosch Gardens",
            70_000,
            300,
            12,
            "Kirstenbosch Gate 1",
        )
        .about("Up through forest and waterfalls, down through the botanical garden.")
        .attrs(json!({"difficulty": "moderate", "distance_km": 7,
                "elevation_gain_m": 600, "languages": ["en", "af"]}))
        .at("Cape Town", -33.9875, 18.4327),
        tour(
            "hiking",
            "Cape Point coastal trail",
            95_000,
            420,
            10,
            "Hotel pick-up in the City Bowl",
        )
        .about("Along the cliffs of the Cape of Good Hope, with baboons and ostriches.")
        .attrs(
            json!({"difficulty": "easy", "distance_km": 9, "elevation_gain_m": 250,
                "languages": ["en"], "park_fees_included": true}),
        )
        .at("Cape Point", -34.3568, 18.4970),
        tour(
            "hiking",
            "Chapman's Peak guided hike",
            60_000,
            210,
            10,
            "Chapman's Peak Drive, East Fort lookout",
        )
        .about("A short climb to one of the best views of Hout Bay and the Sentinel.")
        .attrs(json!({"difficulty": "moderate", "distance_km": 5,
                "elevation_gain_m": 450, "languages": ["en"]}))
        .at("Hout Bay", -34.0885, 18.3596)
        .policy("flexible"),
        tour(
            "hiking",
            "Two-day Hoerikwaggo trail across Table Mountain",
            420_000,
            1_800,
            8,
            "Lower cable station, Tafelberg Road",
        )
        .about("A night in a tented camp on the mountain; porters carry your luggage.")
        .attrs(json!({"difficulty": "challenging", "distance_km": 32,
                "elevation_gain_m": 1500, "languages": ["en"], "overnight": true}))
        .at("Cape Town", -33.9483, 18.4026)
        .policy("strict"),
        tour(
            "excursion",
            "Cape Peninsula day trip with the Boulders Beach penguins",
            165_000,
            540,
            14,
            "Hotel pick-up in the City Bowl",
        )
        .about(
            "Chapman's Peak Drive, Cape Point and the African penguin colony at Boulders \
                 Beach, with lunch in Simon's Town.",
        )
        .attrs(
            json!({"languages": ["en", "de"], "included": ["park fees", "lunch"],
                "min_age": 0}),
        )
        .at("Simon's Town", -34.1975, 18.4517),
        tour(
            "excursion",
            "Robben Island ferry and guided visit",
            90_000,
            240,
            20,
            "Nelson Mandela Gateway, V&A Waterfront",
        )
        .about("The ferry to the island and a tour of the prison led by a former inmate.")
        .attrs(
            json!({"languages": ["en"], "included": ["ferry", "museum entry"],
                "min_age": 0}),
        )
        .policy("strict"),
        tour(
            "excursion",
            "Hermanus whale watching (June to November)",
            220_000,
            600,
            12,
            "Hotel pick-up in the City Bowl",
        )
        .about("Southern right whales from the cliffs and from a licensed boat.")
        .attrs(
            json!({"languages": ["en"], "included": ["boat trip", "lunch"],
                "seasonal": true, "min_age": 6}),
        )
        .at("Hermanus", -34.4187, 19.2345),
        tour(
            "excursion",
            "Shark cage diving in Gansbaai",
            290_000,
            660,
            12,
            "Hotel pick-up in the City Bowl",
        )
        .about("Great whites from a cage at the surface. No diving licence needed.")
        .attrs(
            json!({"languages": ["en"], "included": ["wetsuit", "breakfast", "lunch"],
                "min_age": 12}),
        )
        .at("Gansbaai", -34.5805, 19.3516)
        .policy("strict"),
        tour(
            "excursion",
            "Langa township cultural walk",
            75_000,
            240,
            10,
            "Guga S'thebe Arts Centre, Langa",
        )
        .about("Cape Town's oldest township with a resident guide: music, food, history.")
        .attrs(json!({"languages": ["en", "xh"], "included": ["lunch"], "min_age": 0}))
        .at("Langa", -33.9446, 18.5296)
        .policy("flexible"),
        tour(
            "excursion",
            "Atlantic coast helicopter flight",
            295_000,
            20,
            3,
            "V&A Waterfront helipad",
        )
        .about("Twenty minutes over Clifton, Camps Bay and the Twelve Apostles.")
        .attrs(json!({"languages": ["en"], "included": ["headsets"], "min_age": 3})),
        tour(
            "excursion",
            "Sandboarding at the Atlantis dunes (closed for the season)",
            85_000,
            240,
            12,
            "Hotel pick-up in the City Bowl",
        )
        .about("Back in spring.")
        .attrs(json!({"languages": ["en"], "included": ["board", "wax"], "min_age": 8}))
        .at("Atlantis", -33.5667, 18.4833)
        .inactive(),
    ]
}

// ---------------------------------------------------------------------------------------------
// The pictures: simple 640×400 scenes, one palette per time of day, drawn once per category
// and variant and uploaded as often as needed.

const WIDTH: i32 = 640;
const HEIGHT: i32 = 400;
const HORIZON: i32 = 240;
const VARIANTS: usize = 3;

type Rgb = [u8; 3];

#[derive(Default)]
struct Pictures {
    encoded: HashMap<(&'static str, usize), Vec<u8>>,
}

impl Pictures {
    fn get(&mut self, category: &'static str, variant: usize) -> Result<Vec<u8>, String> {
        if let Some(bytes) = self.encoded.get(&(category, variant)) {
            return Ok(bytes.clone());
        }
        let bytes = render(category, variant).encode_png()?;
        self.encoded.insert((category, variant), bytes.clone());
        Ok(bytes)
    }
}

struct Canvas {
    pixels: Vec<u8>,
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let channel = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    [
        channel(a[0], b[0]),
        channel(a[1], b[1]),
        channel(a[2], b[2]),
    ]
}

impl Canvas {
    fn new() -> Self {
        Self {
            pixels: vec![0; (WIDTH * HEIGHT * 3) as usize],
        }
    }

    /// Fills the pixels `x0..x1` of row `y`, clipped to the canvas.
    fn span(&mut self, y: i32, x0: i32, x1: i32, colour: Rgb) {
        if !(0..HEIGHT).contains(&y) {
            return;
        }
        let (x0, x1) = (x0.clamp(0, WIDTH), x1.clamp(0, WIDTH));
        for x in x0..x1 {
            let at = ((y * WIDTH + x) * 3) as usize;
            self.pixels[at..at + 3].copy_from_slice(&colour);
        }
    }

    fn gradient(&mut self, y0: i32, y1: i32, top: Rgb, bottom: Rgb) {
        let rows = (y1 - y0 - 1).max(1) as f32;
        for y in y0..y1 {
            self.span(y, 0, WIDTH, mix(top, bottom, (y - y0) as f32 / rows));
        }
    }

    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, colour: Rgb) {
        for y in y0..y1 {
            self.span(y, x0, x1, colour);
        }
    }

    /// An ellipse, or with `inner` > 0 a ring of that inner scale (0..1).
    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, inner: f32, colour: Rgb) {
        for y in (cy - ry).floor() as i32..=(cy + ry).ceil() as i32 {
            let dy = (y as f32 + 0.5 - cy) / ry;
            if dy.abs() >= 1.0 {
                continue;
            }
            let outer = rx * (1.0 - dy * dy).sqrt();
            let hole = if dy.abs() < inner {
                rx * inner * (1.0 - (dy / inner).powi(2)).sqrt()
            } else {
                0.0
            };
            if hole > 0.0 {
                self.span(
                    y,
                    (cx - outer).round() as i32,
                    (cx - hole).round() as i32,
                    colour,
                );
                self.span(
                    y,
                    (cx + hole).round() as i32,
                    (cx + outer).round() as i32,
                    colour,
                );
            } else {
                self.span(
                    y,
                    (cx - outer).round() as i32,
                    (cx + outer).round() as i32,
                    colour,
                );
            }
        }
    }

    fn circle(&mut self, cx: f32, cy: f32, r: f32, colour: Rgb) {
        self.ellipse(cx, cy, r, r, 0.0, colour);
    }

    /// A filled polygon (even-odd rule), sampled at pixel centres.
    fn polygon(&mut self, points: &[(f32, f32)], colour: Rgb) {
        let top = points.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let bottom = points.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let mut crossings = Vec::with_capacity(points.len());
        for y in top.floor() as i32..=bottom.ceil() as i32 {
            let sy = y as f32 + 0.5;
            crossings.clear();
            for (i, &(x0, y0)) in points.iter().enumerate() {
                let (x1, y1) = points[(i + 1) % points.len()];
                if (y0 <= sy) != (y1 <= sy) {
                    crossings.push(x0 + (sy - y0) / (y1 - y0) * (x1 - x0));
                }
            }
            crossings.sort_by(f32::total_cmp);
            for pair in crossings.chunks_exact(2) {
                self.span(y, pair[0].round() as i32, pair[1].round() as i32, colour);
            }
        }
    }

    /// A straight stroke of `width` pixels.
    fn line(&mut self, a: (f32, f32), b: (f32, f32), width: f32, colour: Rgb) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length = (dx * dx + dy * dy).sqrt().max(0.001);
        let (nx, ny) = (-dy / length * width / 2.0, dx / length * width / 2.0);
        self.polygon(
            &[
                (a.0 + nx, a.1 + ny),
                (b.0 + nx, b.1 + ny),
                (b.0 - nx, b.1 - ny),
                (a.0 - nx, a.1 - ny),
            ],
            colour,
        );
    }

    fn encode_png(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Flat areas and horizontal runs: the Sub filter does nearly as well as the adaptive
        // one, several times faster (which matters in a debug build).
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Sub);
        let mut writer = encoder
            .write_header()
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        writer
            .write_image_data(&self.pixels)
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        writer
            .finish()
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        Ok(out)
    }
}

/// Sky top, sky at the horizon, sun, and the sun's place: day, golden hour, dusk.
const SKIES: [(Rgb, Rgb, Rgb, (f32, f32)); VARIANTS] = [
    (
        [66, 133, 204],
        [182, 216, 242],
        [255, 244, 190],
        (530.0, 70.0),
    ),
    (
        [244, 162, 97],
        [255, 226, 170],
        [255, 210, 110],
        (130.0, 150.0),
    ),
    (
        [38, 48, 105],
        [232, 124, 112],
        [255, 160, 120],
        (470.0, 215.0),
    ),
];
const SEA: [(Rgb, Rgb); VARIANTS] = [
    ([24, 120, 170], [6, 56, 96]),
    ([60, 130, 160], [18, 70, 100]),
    ([70, 70, 120], [14, 24, 60]),
];
const ACCENT: [Rgb; VARIANTS] = [[206, 40, 46], [28, 92, 176], [240, 190, 40]];
const DARK: Rgb = [34, 34, 38];
const WHITE: Rgb = [246, 246, 240];

fn render(category: &str, variant: usize) -> Canvas {
    let variant = variant % VARIANTS;
    let (top, horizon, sun, (sun_x, sun_y)) = SKIES[variant];
    let mut canvas = Canvas::new();
    canvas.gradient(0, HORIZON, top, horizon);
    canvas.circle(sun_x, sun_y, 34.0, sun);
    // Where the subject stands: left, centre or right.
    let shift = (variant as f32 - 1.0) * -110.0;
    match category {
        "boat" => {
            sea(&mut canvas, variant);
            sailing_boat(&mut canvas, 320.0 + shift, 320.0, 1.0, variant);
        }
        "car" => {
            road_scene(&mut canvas, variant, [120, 160, 90]);
            palm(&mut canvas, 90.0 - shift * 0.5, 300.0);
            palm(&mut canvas, 560.0 - shift * 0.5, 296.0);
            car(&mut canvas, 200.0 + shift, 330.0, ACCENT[variant]);
        }
        "motorcycle" => {
            road_scene(&mut canvas, variant, [200, 170, 120]);
            motorcycle(&mut canvas, 230.0 + shift, 322.0, ACCENT[variant]);
        }
        "bike" => {
            mountains(&mut canvas, variant, 0.6);
            canvas.gradient(HORIZON, HEIGHT, [112, 170, 80], [62, 120, 50]);
            canvas.polygon(
                &[
                    (290.0, 240.0),
                    (350.0, 240.0),
                    (560.0, 400.0),
                    (80.0, 400.0),
                ],
                [214, 190, 146],
            );
            bicycle(&mut canvas, 240.0 + shift, 340.0, ACCENT[variant]);
        }
        "wine-tour" => vineyard(&mut canvas, variant, shift),
        "hiking" => {
            mountains(&mut canvas, variant, 1.0);
            canvas.gradient(HORIZON + 30, HEIGHT, [76, 128, 64], [40, 84, 40]);
            let trail = [214, 190, 146];
            canvas.line((330.0, 400.0), (250.0, 340.0), 14.0, trail);
            canvas.line((250.0, 340.0), (390.0, 300.0), 10.0, trail);
            canvas.line((390.0, 300.0), (330.0, 272.0), 6.0, trail);
            for (i, x) in [40.0, 110.0, 470.0, 540.0, 600.0].iter().enumerate() {
                let size = 0.8 + (i % 3) as f32 * 0.2;
                pine(&mut canvas, x + shift * 0.3, 360.0 - i as f32 * 6.0, size);
            }
        }
        _ => {
            // An excursion on the coast: a flat-topped mountain with its tablecloth cloud.
            let rock = mix([92, 104, 120], top, 0.2);
            canvas.polygon(
                &[
                    (40.0, 241.0),
                    (150.0, 150.0),
                    (420.0, 144.0),
                    (510.0, 241.0),
                ],
                rock,
            );
            canvas.polygon(&[(470.0, 241.0), (545.0, 168.0), (610.0, 241.0)], rock);
            canvas.ellipse(285.0, 146.0, 150.0, 9.0, 0.0, WHITE);
            sea(&mut canvas, variant);
            sailing_boat(
                &mut canvas,
                330.0 + shift,
                330.0,
                0.6,
                (variant + 1) % VARIANTS,
            );
        }
    }
    canvas
}

fn sea(canvas: &mut Canvas, variant: usize) {
    let (near, far) = SEA[variant];
    canvas.gradient(HORIZON, HEIGHT, near, far);
    let crest = mix(near, WHITE, 0.45);
    for row in 0..6 {
        let y = (HORIZON + 18 + row * 26) as f32;
        for k in 0..6 {
            let x = ((k * 137 + row * 61) % WIDTH) as f32;
            canvas.line((x, y), (x + 26.0 + row as f32 * 6.0, y), 2.0, crest);
        }
    }
}

fn sailing_boat(canvas: &mut Canvas, x: f32, y: f32, scale: f32, variant: usize) {
    let p = |dx: f32, dy: f32| (x + dx * scale, y + dy * scale);
    canvas.polygon(
        &[
            p(-120.0, -22.0),
            p(120.0, -22.0),
            p(92.0, 18.0),
            p(-96.0, 18.0),
        ],
        ACCENT[variant],
    );
    canvas.polygon(
        &[
            p(-116.0, -22.0),
            p(116.0, -22.0),
            p(112.0, -14.0),
            p(-112.0, -14.0),
        ],
        WHITE,
    );
    canvas.line(p(0.0, -24.0), p(0.0, -190.0), 5.0 * scale, DARK);
    canvas.polygon(&[p(6.0, -184.0), p(6.0, -30.0), p(104.0, -30.0)], WHITE);
    canvas.polygon(
        &[p(-6.0, -170.0), p(-6.0, -30.0), p(-84.0, -30.0)],
        mix(WHITE, ACCENT[variant], 0.25),
    );
}

fn road_scene(canvas: &mut Canvas, variant: usize, ground: Rgb) {
    canvas.gradient(HORIZON, 300, mix(ground, SKIES[variant].1, 0.3), ground);
    canvas.rect(0, 300, WIDTH, 380, [64, 64, 70]);
    canvas.rect(0, 380, WIDTH, HEIGHT, mix(ground, DARK, 0.3));
    for k in 0..8 {
        canvas.rect(k * 90 + 10, 338, k * 90 + 60, 344, [236, 214, 90]);
    }
}

fn palm(canvas: &mut Canvas, x: f32, y: f32) {
    let trunk = [120, 90, 60];
    let top = (x + 18.0, y - 150.0);
    canvas.line((x, y), (x + 10.0, y - 80.0), 9.0, trunk);
    canvas.line((x + 10.0, y - 80.0), top, 7.0, trunk);
    for (dx, dy) in [
        (-60.0, 10.0),
        (-45.0, -25.0),
        (0.0, -40.0),
        (45.0, -25.0),
        (62.0, 12.0),
    ] {
        canvas.line(top, (top.0 + dx, top.1 + dy + 20.0), 8.0, [40, 120, 60]);
    }
}

fn car(canvas: &mut Canvas, x: f32, y: f32, body: Rgb) {
    let glass = [170, 210, 235];
    canvas.polygon(
        &[
            (x, y),
            (x, y - 32.0),
            (x + 22.0, y - 42.0),
            (x + 220.0, y - 42.0),
            (x + 242.0, y - 26.0),
            (x + 242.0, y),
        ],
        body,
    );
    canvas.polygon(
        &[
            (x + 52.0, y - 41.0),
            (x + 84.0, y - 82.0),
            (x + 172.0, y - 82.0),
            (x + 204.0, y - 41.0),
        ],
        body,
    );
    canvas.polygon(
        &[
            (x + 64.0, y - 44.0),
            (x + 89.0, y - 76.0),
            (x + 124.0, y - 76.0),
            (x + 124.0, y - 44.0),
        ],
        glass,
    );
    canvas.polygon(
        &[
            (x + 132.0, y - 44.0),
            (x + 132.0, y - 76.0),
            (x + 167.0, y - 76.0),
            (x + 192.0, y - 44.0),
        ],
        glass,
    );
    canvas.ellipse(x + 234.0, y - 24.0, 7.0, 5.0, 0.0, [255, 236, 150]);
    for wheel in [x + 56.0, x + 190.0] {
        canvas.circle(wheel, y, 25.0, DARK);
        canvas.circle(wheel, y, 11.0, [170, 170, 176]);
    }
}

fn motorcycle(canvas: &mut Canvas, x: f32, y: f32, tank: Rgb) {
    let chrome = [190, 190, 198];
    let (rear, front) = ((x, y), (x + 180.0, y));
    for axle in [rear, front] {
        canvas.ellipse(axle.0, axle.1, 38.0, 38.0, 0.7, DARK);
        canvas.circle(axle.0, axle.1, 8.0, chrome);
    }
    let seat = (x + 60.0, y - 62.0);
    let head = (x + 140.0, y - 78.0);
    canvas.line(rear, seat, 8.0, DARK);
    canvas.line(rear, (x + 80.0, y - 10.0), 7.0, chrome);
    canvas.rect(
        (x + 70.0) as i32,
        (y - 48.0) as i32,
        (x + 120.0) as i32,
        (y - 8.0) as i32,
        [80, 80, 88],
    );
    canvas.line(head, front, 7.0, chrome);
    canvas.line((x + 90.0, y - 6.0), (x - 20.0, y - 14.0), 6.0, chrome);
    canvas.ellipse(x + 108.0, y - 66.0, 36.0, 16.0, 0.0, tank);
    canvas.polygon(
        &[
            (seat.0 - 30.0, seat.1 - 2.0),
            (seat.0 + 22.0, seat.1 - 10.0),
            (seat.0 + 26.0, seat.1 + 4.0),
            (seat.0 - 30.0, seat.1 + 8.0),
        ],
        DARK,
    );
    canvas.line(head, (head.0 - 14.0, head.1 - 30.0), 5.0, DARK);
    canvas.ellipse(head.0 + 8.0, head.1 + 6.0, 8.0, 8.0, 0.0, [255, 236, 150]);
}

fn bicycle(canvas: &mut Canvas, x: f32, y: f32, frame: Rgb) {
    let (rear, front) = ((x, y), (x + 160.0, y));
    for axle in [rear, front] {
        canvas.ellipse(axle.0, axle.1, 50.0, 50.0, 0.88, DARK);
        canvas.circle(axle.0, axle.1, 5.0, DARK);
    }
    let bracket = (x + 72.0, y);
    let seat = (x + 56.0, y - 78.0);
    let head = (x + 140.0, y - 72.0);
    for (a, b) in [
        (rear, bracket),
        (rear, seat),
        (seat, bracket),
        (seat, head),
        (head, bracket),
    ] {
        canvas.line(a, b, 6.0, frame);
    }
    canvas.line(head, front, 5.0, DARK);
    canvas.line(
        (seat.0 - 18.0, seat.1 - 8.0),
        (seat.0 + 12.0, seat.1 - 8.0),
        7.0,
        DARK,
    );
    canvas.line(seat, (seat.0 - 3.0, seat.1 - 8.0), 4.0, DARK);
    canvas.line(head, (head.0 - 6.0, head.1 - 22.0), 4.0, DARK);
    canvas.line(
        (head.0 - 18.0, head.1 - 22.0),
        (head.0 + 8.0, head.1 - 22.0),
        5.0,
        DARK,
    );
}

fn mountains(canvas: &mut Canvas, variant: usize, height: f32) {
    let (top, horizon, ..) = SKIES[variant];
    let base = (HORIZON + 30) as f32;
    let peaks = [
        (120.0, 250.0, 160.0),
        (330.0, 300.0, 200.0),
        (540.0, 230.0, 150.0),
    ];
    for (i, &(x, half, rise)) in peaks.iter().enumerate() {
        let rock = mix(mix([88, 96, 118], top, 0.25), horizon, i as f32 * 0.12);
        let peak = (x, base - rise * height - 40.0);
        canvas.polygon(&[(x - half, base), peak, (x + half, base)], rock);
        // The snow cap: the top quarter of the peak.
        let cap = 0.25;
        canvas.polygon(
            &[
                (peak.0 - half * cap, peak.1 + (base - peak.1) * cap),
                peak,
                (peak.0 + half * cap, peak.1 + (base - peak.1) * cap),
            ],
            WHITE,
        );
    }
}

fn pine(canvas: &mut Canvas, x: f32, y: f32, size: f32) {
    canvas.rect(
        (x - 4.0) as i32,
        (y - 10.0) as i32,
        (x + 4.0) as i32,
        (y + 14.0) as i32,
        [90, 60, 40],
    );
    for level in 0..3 {
        let level = level as f32;
        let base = y - level * 28.0 * size;
        let half = (34.0 - level * 8.0) * size;
        canvas.polygon(
            &[(x - half, base), (x, base - 48.0 * size), (x + half, base)],
            [28, 92 + (level as u8) * 10, 52],
        );
    }
}

fn vineyard(canvas: &mut Canvas, variant: usize, shift: f32) {
    let (top, ..) = SKIES[variant];
    canvas.polygon(
        &[
            (0.0, 241.0),
            (160.0, 150.0),
            (260.0, 180.0),
            (420.0, 120.0),
            (640.0, 241.0),
        ],
        mix([104, 92, 120], top, 0.3),
    );
    canvas.ellipse(150.0, 262.0, 260.0, 60.0, 0.0, [118, 150, 70]);
    canvas.ellipse(500.0, 266.0, 280.0, 56.0, 0.0, [98, 138, 60]);
    canvas.gradient(262, HEIGHT, [150, 168, 80], [110, 132, 52]);
    for k in -7..=7 {
        let k = k as f32;
        canvas.line(
            (320.0 + k * 12.0, 264.0),
            (320.0 + k * 120.0, 400.0),
            7.0,
            [52, 96, 40],
        );
    }
    // A Cape Dutch farmhouse with a white gable and a thatched roof.
    let x = 380.0 + shift;
    canvas.rect(x as i32, 214, (x + 130.0) as i32, 252, WHITE);
    canvas.polygon(
        &[(x - 6.0, 216.0), (x + 65.0, 184.0), (x + 136.0, 216.0)],
        [96, 74, 50],
    );
    canvas.polygon(
        &[
            (x + 48.0, 216.0),
            (x + 48.0, 196.0),
            (x + 65.0, 178.0),
            (x + 82.0, 196.0),
            (x + 82.0, 216.0),
        ],
        WHITE,
    );
    canvas.rect((x + 58.0) as i32, 226, (x + 72.0) as i32, 252, [60, 90, 70]);
    for window in [x + 18.0, x + 100.0] {
        canvas.rect(
            window as i32,
            224,
            (window + 14.0) as i32,
            238,
            [60, 90, 70],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_picture_is_a_valid_png() {
        for category in [
            "boat",
            "car",
            "bike",
            "motorcycle",
            "wine-tour",
            "hiking",
            "excursion",
        ] {
            for variant in 0..VARIANTS {
                let bytes = render(category, variant).encode_png().unwrap_or_default();
                let image = domain_catalog::images::inspect_image(&bytes);
                assert!(
                    matches!(&image, Ok(i) if (i.width, i.height) == (640, 400)),
                    "{category} {variant}: {image:?}"
                );
            }
        }
    }

    #[test]
    fn the_tables_cover_every_category() {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for vendor in vendors() {
            for listing in (vendor.listings)() {
                *counts.entry(listing.category).or_default() += 1;
            }
        }
        for category in ["boat", "car", "bike", "motorcycle"] {
            assert!(
                counts.get(category).copied().unwrap_or(0) >= 8,
                "{category}"
            );
        }
        for category in ["wine-tour", "hiking", "excursion"] {
            assert!(
                counts.get(category).copied().unwrap_or(0) >= 6,
                "{category}"
            );
        }
    }

    #[test]
    fn the_admin_password_satisfies_the_admin_policy() {
        let email = domain_accounts::Email::parse(DEMO_ADMIN_EMAIL);
        assert!(matches!(
            email.map(|email| domain_accounts::Password::parse_admin(DEMO_ADMIN_PASSWORD, &email)),
            Ok(Ok(_))
        ));
    }
}
