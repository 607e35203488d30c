-- WaterTrek load-test data set, generated in SQL (a few seconds on PostgreSQL).
--
--   200 vendors (users + vendor_profiles) in 12 cities of 10 countries,
--   2,000 customers (users + customer_profiles),
--   10,000 listings: 7,000 equipment items (listings + equipment_terms) and 3,000 adventures
--     (listings + adventure_terms), about 80 % with two images (listing_images),
--   ~78,000 adventure sessions (two a week over the next 13 weeks),
--   50,000 bookings over the next 90 days (40,000 on equipment, 10,000 on sessions), mixed
--     statuses, each with its booking_events history.
--
-- No availability_rules: every item is always open (the load test books any weekday hour).
-- Lead time is 0, max advance 365 days. Ids are md5-derived UUID text, so a rerun gives the
-- same ids; random() is seeded, so the distributions are the same on every run.
-- Run on an empty, freshly migrated database: psql -v ON_ERROR_STOP=1 -f bench/seed.sql

\set ON_ERROR_STOP 1
SET TIME ZONE 'UTC';
SELECT setseed(0.42);

BEGIN;

CREATE TEMP TABLE seed_cities (
    idx int PRIMARY KEY, city text, region text, country text, tz text, currency text,
    lat float8, lon float8, street text
) ON COMMIT DROP;
INSERT INTO seed_cities VALUES
    (0,  'Lagos',      'Algarve',          'PT', 'Europe/Lisbon',       'EUR', 37.10,   -8.67,   'Avenida dos Descobrimentos'),
    (1,  'Lisbon',     'Lisboa',           'PT', 'Europe/Lisbon',       'EUR', 38.72,   -9.14,   'Rua Augusta'),
    (2,  'Miami',      'Florida',          'US', 'America/New_York',    'USD', 25.76,  -80.19,   'Ocean Drive'),
    (3,  'San Diego',  'California',       'US', 'America/Los_Angeles', 'USD', 32.72, -117.16,   'Harbor Drive'),
    (4,  'Queenstown', 'Otago',            'NZ', 'Pacific/Auckland',    'NZD', -45.03, 168.66,   'Marine Parade'),
    (5,  'Cape Town',  'Western Cape',     'ZA', 'Africa/Johannesburg', 'ZAR', -33.92,  18.42,   'Beach Road'),
    (6,  'Split',      'Dalmatia',         'HR', 'Europe/Zagreb',       'EUR', 43.51,   16.44,   'Obala Hrvatskog'),
    (7,  'Barcelona',  'Catalonia',        'ES', 'Europe/Madrid',       'EUR', 41.39,    2.17,   'Passeig de Colom'),
    (8,  'Nice',       'Provence',         'FR', 'Europe/Paris',        'EUR', 43.70,    7.27,   'Promenade des Anglais'),
    (9,  'Phuket',     'Phuket',           'TH', 'Asia/Bangkok',        'THB',  7.88,   98.39,   'Thaweewong Road'),
    (10, 'Vancouver',  'British Columbia', 'CA', 'America/Vancouver',   'CAD', 49.28, -123.12,   'Beach Avenue'),
    (11, 'Sydney',     'New South Wales',  'AU', 'Australia/Sydney',    'AUD', -33.87, 151.21,   'Circular Quay');

-- Vendors: 200, spread over the cities.
CREATE TEMP TABLE seed_vendors ON COMMIT DROP AS
SELECT n,
       md5('bench-vendor-' || n)::uuid::text AS id,
       c.*,
       (ARRAY['Blue Water', 'Coastal', 'Summit', 'Harbour', 'Sunset', 'Island', 'Tidal', 'Ridge'])[1 + n % 8]
           || ' ' || c.city || ' ' || n AS business_name,
       localtimestamp - make_interval(days => 400 + n) AS created_at
FROM generate_series(1, 200) AS n
JOIN seed_cities c ON c.idx = n % 12;

INSERT INTO users (id, email, password_hash, role, full_name, phone, is_active, token_version, created_at, updated_at)
SELECT id, 'vendor' || n || '@bench.watertrek.test', '!seeded-account-no-login', 'vendor',
       business_name, NULL, TRUE, 0, created_at, created_at
FROM seed_vendors;

INSERT INTO vendor_profiles (user_id, business_name, slug, description, contact_email, contact_phone, website,
                             city, country, timezone, created_at, updated_at)
SELECT id, business_name, lower(regexp_replace(business_name, '[^A-Za-z0-9]+', '-', 'g')),
       'Rentals and tours in ' || city || '.', 'hello+' || n || '@bench.watertrek.test', NULL, NULL,
       city, country, tz, created_at, created_at
FROM seed_vendors;

-- Customers: 2,000 (the holders of the seeded bookings; the load test registers its own).
CREATE TEMP TABLE seed_customers ON COMMIT DROP AS
SELECT n, md5('bench-customer-' || n)::uuid::text AS id,
       localtimestamp - make_interval(days => 1 + n % 300) AS created_at
FROM generate_series(1, 2000) AS n;

INSERT INTO users (id, email, password_hash, role, full_name, phone, is_active, token_version, created_at, updated_at)
SELECT id, 'customer' || n || '@bench.watertrek.test', '!seeded-account-no-login', 'customer',
       'Customer ' || n, NULL, TRUE, 0, created_at, created_at
FROM seed_customers;

INSERT INTO customer_profiles (user_id, display_name, phone, emergency_contact, driver_license_number, created_at, updated_at)
SELECT id, 'Customer ' || n, NULL, NULL, NULL, created_at, created_at FROM seed_customers;

-- Listings: 7,000 equipment items then 3,000 adventures, each drawn once with its randoms.
CREATE TEMP TABLE seed_listings ON COMMIT DROP AS
WITH draws AS (
    SELECT n, random() AS r_cat, random() AS r_price, random() AS r_unit, random() AS r_qty,
           random() AS r_misc, random() AS r_active, random() AS r_age,
           (n * 37) % 200 + 1 AS vendor_n
    FROM generate_series(1, 10000) AS n
), typed AS (
    SELECT d.*,
           CASE WHEN n <= 7000 THEN 'equipment' ELSE 'adventure' END AS kind,
           CASE WHEN n <= 7000 THEN
                CASE WHEN r_cat < 0.30 THEN 'boat' WHEN r_cat < 0.55 THEN 'car'
                     WHEN r_cat < 0.85 THEN 'bike' ELSE 'motorcycle' END
           ELSE CASE WHEN r_cat < 0.35 THEN 'wine-tour' WHEN r_cat < 0.70 THEN 'hiking' ELSE 'excursion' END
           END AS category
    FROM draws d
)
SELECT t.n, t.kind, t.category, t.r_unit, t.r_qty, t.r_misc,
       md5('bench-listing-' || t.n)::uuid::text AS id,
       v.id AS vendor_id, v.city, v.region, v.country, v.tz, v.currency, v.street,
       v.lat + (t.r_misc - 0.5) / 20 AS lat, v.lon + (t.r_price - 0.5) / 20 AS lon,
       (ARRAY['Classic', 'Family', 'Sport', 'Premium', 'Compact', 'Electric', 'Vintage', 'Comfort'])[1 + t.n % 8] AS adjective,
       CASE t.category
           WHEN 'boat'       THEN (ARRAY['speedboat', 'sailboat', 'catamaran', 'RIB', 'pontoon boat', 'kayak'])[1 + t.n % 6]
           WHEN 'car'        THEN (ARRAY['convertible', 'hatchback', 'SUV', 'van', 'jeep'])[1 + t.n % 5]
           WHEN 'bike'       THEN (ARRAY['e-bike', 'mountain bike', 'city bike', 'road bike', 'tandem'])[1 + t.n % 5]
           WHEN 'motorcycle' THEN (ARRAY['scooter', 'touring motorcycle', 'enduro', 'cruiser'])[1 + t.n % 4]
           WHEN 'wine-tour'  THEN (ARRAY['vineyard tour', 'wine tasting', 'cellar visit'])[1 + t.n % 3]
           WHEN 'hiking'     THEN (ARRAY['coastal hike', 'summit hike', 'forest walk', 'sunrise trek'])[1 + t.n % 4]
           ELSE                   (ARRAY['island excursion', 'dolphin watching', 'cave tour', 'snorkel trip'])[1 + t.n % 4]
       END AS thing,
       -- Prices in minor units, per hour / day (equipment) or per person (adventures).
       CASE t.category
           WHEN 'boat'       THEN 6000 + (t.r_price * 34000)::bigint
           WHEN 'car'        THEN 3000 + (t.r_price * 12000)::bigint
           WHEN 'bike'       THEN 800 + (t.r_price * 2200)::bigint
           WHEN 'motorcycle' THEN 2500 + (t.r_price * 9500)::bigint
           ELSE                   2500 + (t.r_price * 22500)::bigint
       END * CASE v.currency WHEN 'THB' THEN 30 WHEN 'ZAR' THEN 15 ELSE 1 END AS price,
       t.r_active >= 0.03 AS is_active,
       localtimestamp - make_interval(secs => t.r_age * 365 * 86400) AS created_at
FROM typed t
JOIN seed_vendors v ON v.n = t.vendor_n;

-- `vendor_active` (migration 000007) is set from the vendor's `users.is_active` by the trigger
-- `listings_vendor_active_on_write`, as for listings the server creates.
INSERT INTO listings (id, kind, vendor_id, category_id, title, description, address, city, region, country,
                      latitude, longitude, timezone, currency, price, lead_time_minutes, cancellation_policy,
                      is_active, attributes, search_text, location_text, created_at, updated_at)
SELECT s.id, s.kind, s.vendor_id, c.id,
       initcap(s.adjective) || ' ' || s.thing || ' in ' || s.city || ' #' || s.n,
       'A well kept ' || lower(s.adjective) || ' ' || s.thing || ', ready in ' || s.city
           || '. Ask us about routes, gear and the best spots.',
       (1 + s.n % 180) || ' ' || s.street, s.city, s.region, s.country,
       s.lat, s.lon, s.tz, s.currency, s.price, 0,
       (ARRAY['flexible', 'moderate', 'strict'])[1 + (s.r_misc * 3)::int % 3],
       s.is_active, '{}',
       lower(initcap(s.adjective) || ' ' || s.thing || ' in ' || s.city || ' #' || s.n || E'\n'
             || 'A well kept ' || lower(s.adjective) || ' ' || s.thing || ', ready in ' || s.city
             || '. Ask us about routes, gear and the best spots.'),
       lower(concat_ws(E'\n', (1 + s.n % 180) || ' ' || s.street, s.city, s.region, s.country)),
       s.created_at, s.created_at
FROM seed_listings s
JOIN categories c ON c.kind = s.kind AND c.slug = s.category;

INSERT INTO equipment_terms (listing_id, vendor_id, item_code, pricing_unit, daily_cap, weekly_price, quantity,
                             min_duration_minutes, max_duration_minutes, buffer_minutes, max_advance_days)
SELECT id, vendor_id, 'EQ-' || n, unit,
       CASE WHEN unit = 'hour' AND r_misc < 0.5 THEN price * 6 END,
       CASE WHEN unit = 'day' AND r_misc < 0.5 THEN price * 6 END,
       CASE category WHEN 'boat' THEN 1 + (r_qty * 2)::int / 2
                     WHEN 'car' THEN 1 + (r_qty * 4)::int
                     WHEN 'bike' THEN 1 + (r_qty * 9)::int
                     ELSE 1 + (r_qty * 2)::int END,
       NULL, NULL, (ARRAY[0, 15, 30, 60])[1 + n % 4], 365
FROM (
    SELECT s.*, CASE WHEN (s.category IN ('boat', 'bike') AND s.r_unit < 0.7)
                       OR (s.category IN ('car', 'motorcycle') AND s.r_unit < 0.15)
                     THEN 'hour' ELSE 'day' END AS unit
    FROM seed_listings s WHERE s.kind = 'equipment'
) e;

INSERT INTO adventure_terms (listing_id, meeting_point, duration_minutes, capacity, min_participants)
SELECT id, 'Main entrance, ' || street, 120 + 60 * (n % 7), 8 + (r_qty * 22)::int, 1 + n % 2
FROM seed_listings WHERE kind = 'adventure';

-- Two images on about 80 % of the listings (metadata only; no files behind them).
INSERT INTO listing_images (id, listing_id, file_name, content_type, size_bytes, width, height, is_primary,
                            position, alt_text, created_at)
SELECT md5('bench-image-' || s.n || '-' || p)::uuid::text, s.id,
       md5('bench-image-file-' || s.n || '-' || p) || '.jpg', 'image/jpeg',
       150000 + (s.n * 7919 + p * 104729) % 900000, 1600, 1067, p = 0, p, s.thing || ' photo ' || (p + 1),
       s.created_at
FROM seed_listings s CROSS JOIN generate_series(0, 1) AS p
WHERE s.n % 5 <> 0;

-- Sessions: each adventure twice a week (its two weekdays) over the next 13 weeks.
INSERT INTO sessions (id, listing_id, starts_at, ends_at, capacity, status, created_at, updated_at)
SELECT md5('bench-session-' || s.n || '-' || w || '-' || d)::uuid::text, s.id,
       st, st + make_interval(mins => a.duration_minutes::int), a.capacity,
       CASE WHEN (s.n + w) % 50 = 0 THEN 'cancelled' ELSE 'scheduled' END,
       s.created_at, s.created_at
FROM seed_listings s
JOIN adventure_terms a ON a.listing_id = s.id
CROSS JOIN generate_series(0, 12) AS w
CROSS JOIN generate_series(0, 1) AS d
CROSS JOIN LATERAL (
    SELECT date_trunc('week', localtimestamp) + make_interval(days => 7 * w + (s.n + 3 * d) % 7, hours => 7 + s.n % 5) AS st
) t
WHERE t.st > localtimestamp;

-- 40,000 equipment bookings: six per item, 15 days apart (so none overlap), start hour
-- 06-16 UTC, 1-4 hours on hourly items, 1-3 days on daily ones, within the next 90 days.
CREATE TEMP TABLE seed_bookings ON COMMIT DROP AS
WITH eq AS (
    SELECT row_number() OVER (ORDER BY l.n) - 1 AS i, l.n, l.id, l.vendor_id, l.currency, l.price,
           e.pricing_unit, e.buffer_minutes
    FROM seed_listings l JOIN equipment_terms e ON e.listing_id = l.id
), g AS (
    SELECT gs AS g, gs % 7000 AS i, gs / 7000 AS k, random() AS r_status, random() AS r_len,
           random() AS r_hour, random() AS r_age, random() AS r_cust
    FROM generate_series(0, 39999) AS gs
)
SELECT md5('bench-booking-' || g.g)::uuid::text AS id, eq.id AS listing_id, NULL::text AS session_id,
       md5('bench-customer-' || (1 + (g.r_cust * 1999)::int))::uuid::text AS customer_id,
       eq.vendor_id, g.r_status, g.r_age,
       st AS starts_at,
       st + CASE WHEN eq.pricing_unit = 'hour' THEN make_interval(hours => 1 + (g.r_len * 3)::int)
                 ELSE make_interval(days => 1 + (g.r_len * 2)::int) END AS ends_at,
       eq.buffer_minutes, 1::bigint AS quantity, eq.currency, eq.price, eq.pricing_unit
FROM g
JOIN eq ON eq.i = g.i
CROSS JOIN LATERAL (
    SELECT date_trunc('day', localtimestamp)
           + make_interval(days => 1 + g.k * 15 + (g.i % 15), hours => 6 + (g.r_hour * 10)::int) AS st
) t;

-- 10,000 session bookings: 1-3 participants on distinct scheduled sessions.
INSERT INTO seed_bookings
SELECT md5('bench-booking-s-' || x.rn)::uuid::text, x.listing_id, x.id,
       md5('bench-customer-' || (1 + (random() * 1999)::int))::uuid::text,
       l.vendor_id, random(), random(), x.starts_at, x.ends_at, 0,
       1 + (x.rn % 3), l.currency, l.price, 'person'
FROM (
    SELECT s.*, row_number() OVER (ORDER BY s.id) AS rn
    FROM sessions s WHERE s.status = 'scheduled'
) x
JOIN listings l ON l.id = x.listing_id
WHERE x.rn <= 10000;

-- Status mix: 15 % requested (live hold), 12 % approved (awaiting payment), 45 % confirmed,
-- 8 % declined, 15 % cancelled, 5 % expired.
INSERT INTO bookings (id, listing_id, session_id, customer_id, vendor_id, status, starts_at, ends_at,
                      occupied_until, quantity, total_amount, currency, line_items, notes, hold_expires_at,
                      payment_due_at, idempotency_key, request_hash, created_at, updated_at)
SELECT b.id, b.listing_id, b.session_id, b.customer_id, b.vendor_id, st.status, b.starts_at, b.ends_at,
       b.ends_at + make_interval(mins => b.buffer_minutes::int), b.quantity,
       b.price * units.n * b.quantity, b.currency,
       json_build_array(json_build_object(
           'description', (units.n * b.quantity) || ' ' || units.label || ' × '
                          || to_char(b.price / 100.0, 'FM999999990.00') || ' ' || b.currency,
           'quantity', units.n * b.quantity,
           'unit_amount', b.price, 'amount', b.price * units.n * b.quantity))::text,
       CASE WHEN b.r_age < 0.1 THEN 'Arriving a little late' END,
       created.at + interval '24 hours',
       CASE st.status WHEN 'approved' THEN localtimestamp + make_interval(mins => 60 + (b.r_age * 1200)::int)
                      WHEN 'confirmed' THEN created.at + interval '30 hours' END,
       NULL, 'seed', created.at, created.at + interval '10 minutes'
FROM seed_bookings b
CROSS JOIN LATERAL (
    SELECT CASE WHEN b.r_status < 0.15 THEN 'requested' WHEN b.r_status < 0.27 THEN 'approved'
                WHEN b.r_status < 0.72 THEN 'confirmed' WHEN b.r_status < 0.80 THEN 'declined'
                WHEN b.r_status < 0.95 THEN 'cancelled' ELSE 'expired' END AS status
) st
CROSS JOIN LATERAL (
    SELECT CASE WHEN st.status = 'requested' THEN localtimestamp - make_interval(mins => (b.r_age * 720)::int)
                ELSE localtimestamp - make_interval(mins => 1500 + (b.r_age * 30000)::int) END AS at
) created
CROSS JOIN LATERAL (
    SELECT CASE b.pricing_unit
               WHEN 'hour' THEN ceil(extract(epoch FROM b.ends_at - b.starts_at) / 3600)::bigint
               WHEN 'day'  THEN ceil(extract(epoch FROM b.ends_at - b.starts_at) / 86400)::bigint
               ELSE 1 END AS n,
           CASE b.pricing_unit WHEN 'hour' THEN 'hours' WHEN 'day' THEN 'days' ELSE 'participants' END AS label
) units;

-- History: the request, then the transition to the current status.
INSERT INTO booking_events (id, booking_id, from_status, to_status, actor, actor_id, reason, at)
SELECT md5('bench-event-0-' || id)::uuid::text, id, NULL, 'requested', 'customer', customer_id, NULL, created_at
FROM bookings;
INSERT INTO booking_events (id, booking_id, from_status, to_status, actor, actor_id, reason, at)
SELECT md5('bench-event-1-' || id)::uuid::text, id,
       CASE WHEN status = 'confirmed' THEN 'approved' ELSE 'requested' END, status,
       CASE status WHEN 'approved' THEN 'vendor' WHEN 'declined' THEN 'vendor'
                   WHEN 'cancelled' THEN 'customer' ELSE 'system' END,
       CASE status WHEN 'approved' THEN vendor_id WHEN 'declined' THEN vendor_id
                   WHEN 'cancelled' THEN customer_id END,
       CASE status WHEN 'declined' THEN 'Fully booked that day' END,
       updated_at
FROM bookings WHERE status <> 'requested';

COMMIT;

ANALYZE;

SELECT (SELECT count(*) FROM users WHERE role = 'vendor') AS vendors,
       (SELECT count(*) FROM users WHERE role = 'customer') AS customers,
       (SELECT count(*) FROM listings) AS listings,
       (SELECT count(*) FROM equipment_terms) AS equipment,
       (SELECT count(*) FROM adventure_terms) AS adventures,
       (SELECT count(*) FROM sessions) AS sessions,
       (SELECT count(*) FROM bookings) AS bookings,
       (SELECT count(*) FROM booking_events) AS events;
