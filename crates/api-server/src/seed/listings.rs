//! The demo listings of each vendor.

use super::*;

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

pub(super) struct ListingSeed {
    pub(super) category: &'static str,
    pub(super) title: &'static str,
    description: &'static str,
    /// `unit_price` or `price_per_person`, minor units of the vendor's currency.
    price: i64,
    terms: Terms,
    policy: Option<&'static str>,
    attributes: Value,
    place: Option<Place>,
    pub(super) active: bool,
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

    pub(super) fn kind(&self) -> ListingKind {
        match self.terms {
            Terms::Tour { .. } => ListingKind::Adventure,
            Terms::Hourly { .. } | Terms::Daily { .. } => ListingKind::Equipment,
        }
    }

    /// The create request, as a vendor would send it. `item` numbers the vendor's listings.
    pub(super) fn input(
        &self,
        vendor: &VendorSeed,
        item: usize,
        item_code: Option<String>,
    ) -> ListingInput {
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

pub(super) fn lagos_listings() -> Vec<ListingSeed> {
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

pub(super) fn miami_listings() -> Vec<ListingSeed> {
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

pub(super) fn queenstown_listings() -> Vec<ListingSeed> {
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

pub(super) fn cape_town_listings() -> Vec<ListingSeed> {
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
