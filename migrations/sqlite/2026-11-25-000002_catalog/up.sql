-- Catalog: categories of both kinds; listings (equipment items and adventure offerings share
-- one table: browse, images and ownership are the same for both) with the terms of each kind
-- in a table of its own; images.

CREATE TABLE categories (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('equipment', 'adventure')),
    slug       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT categories_kind_slug_key UNIQUE (kind, slug)
);

INSERT INTO categories (id, kind, slug, name, created_at, updated_at) VALUES
    ('6f1d1c2e-0001-4000-8000-000000000001', 'equipment', 'boat', 'Boats', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0001-4000-8000-000000000002', 'equipment', 'car', 'Cars', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0001-4000-8000-000000000003', 'equipment', 'bike', 'Bikes', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0001-4000-8000-000000000004', 'equipment', 'motorcycle', 'Motorcycles', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0002-4000-8000-000000000001', 'adventure', 'wine-tour', 'Wine tours', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0002-4000-8000-000000000002', 'adventure', 'hiking', 'Hiking', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
    ('6f1d1c2e-0002-4000-8000-000000000003', 'adventure', 'excursion', 'Excursions', '2026-01-01 00:00:00', '2026-01-01 00:00:00');

CREATE TABLE listings (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('equipment', 'adventure')),
    vendor_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category_id          TEXT NOT NULL REFERENCES categories (id),
    title                TEXT NOT NULL,
    description          TEXT NOT NULL,
    address              TEXT,
    city                 TEXT NOT NULL,
    region               TEXT,
    country              TEXT NOT NULL,
    latitude             REAL,
    longitude            REAL,
    timezone             TEXT NOT NULL,
    currency             TEXT NOT NULL,
    -- unit_price (equipment) or price_per_person (adventures), minor units.
    price                BIGINT NOT NULL CHECK (price >= 0),
    lead_time_minutes    BIGINT NOT NULL,
    cancellation_policy  TEXT NOT NULL CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict')),
    is_active            BOOLEAN NOT NULL,
    attributes           TEXT NOT NULL,
    -- Lower-cased text for case-insensitive substring filters on both backends.
    search_text          TEXT NOT NULL,
    location_text        TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX listings_browse_idx ON listings (kind, is_active, created_at);
CREATE INDEX listings_price_idx ON listings (kind, is_active, price);
CREATE INDEX listings_vendor_idx ON listings (vendor_id, kind, created_at);
CREATE INDEX listings_category_idx ON listings (category_id);

CREATE TABLE equipment_terms (
    listing_id           TEXT PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    vendor_id            TEXT NOT NULL,
    item_code            TEXT,
    pricing_unit         TEXT NOT NULL CHECK (pricing_unit IN ('hour', 'day')),
    daily_cap            BIGINT,
    weekly_price         BIGINT,
    quantity             BIGINT NOT NULL CHECK (quantity >= 1),
    min_duration_minutes BIGINT,
    max_duration_minutes BIGINT,
    buffer_minutes       BIGINT NOT NULL,
    max_advance_days     BIGINT NOT NULL,
    -- NULL codes never collide.
    CONSTRAINT equipment_terms_vendor_item_code_key UNIQUE (vendor_id, item_code)
);

CREATE TABLE adventure_terms (
    listing_id       TEXT PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    meeting_point    TEXT,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes >= 1),
    capacity         BIGINT NOT NULL CHECK (capacity >= 1),
    min_participants BIGINT NOT NULL CHECK (min_participants >= 1)
);

CREATE TABLE listing_images (
    id           TEXT PRIMARY KEY,
    listing_id   TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    is_primary   BOOLEAN NOT NULL,
    position     BIGINT NOT NULL,
    alt_text     TEXT,
    created_at   TIMESTAMP NOT NULL,
    CONSTRAINT listing_images_file_name_key UNIQUE (file_name)
);
CREATE INDEX listing_images_listing_idx ON listing_images (listing_id, position);
