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

mod listings;
mod pictures;

use listings::*;
use pictures::{Pictures, VARIANTS};

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

#[cfg(test)]
mod tests {
    use super::*;

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
