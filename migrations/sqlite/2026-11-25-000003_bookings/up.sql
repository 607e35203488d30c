-- Bookings: opening hours, blackouts, adventure sessions, bookings with their event history.

CREATE TABLE availability_rules (
    id         TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    weekday    BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    -- Wall-clock "HH:MM" in the listing's time zone; end may be "24:00".
    start_time TEXT NOT NULL,
    end_time   TEXT NOT NULL
);
CREATE INDEX availability_rules_listing_idx ON availability_rules (listing_id);

CREATE TABLE blackouts (
    id         TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    -- NULL: every unit.
    units      BIGINT CHECK (units >= 1),
    reason     TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX blackouts_listing_idx ON blackouts (listing_id, starts_at, ends_at);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    capacity   BIGINT NOT NULL CHECK (capacity >= 1),
    status     TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_listing_idx ON sessions (listing_id, starts_at);

CREATE TABLE bookings (
    id               TEXT PRIMARY KEY,
    listing_id       TEXT NOT NULL REFERENCES listings (id),
    session_id       TEXT REFERENCES sessions (id),
    customer_id      TEXT NOT NULL REFERENCES users (id),
    vendor_id        TEXT NOT NULL REFERENCES users (id),
    status           TEXT NOT NULL
        CHECK (status IN ('requested', 'approved', 'confirmed', 'declined', 'cancelled', 'expired')),
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP NOT NULL,
    -- ends_at plus the item's turnaround buffer: the window the booking occupies.
    occupied_until   TIMESTAMP NOT NULL,
    -- Units (equipment) or participants (sessions).
    quantity         BIGINT NOT NULL CHECK (quantity >= 1),
    total_amount     BIGINT NOT NULL CHECK (total_amount >= 0),
    currency         TEXT NOT NULL,
    line_items       TEXT NOT NULL,
    notes            TEXT,
    hold_expires_at  TIMESTAMP NOT NULL,
    payment_due_at   TIMESTAMP,
    idempotency_key  TEXT,
    request_hash     TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CONSTRAINT bookings_customer_idempotency_key UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX bookings_listing_time_idx ON bookings (listing_id, starts_at, occupied_until);
CREATE INDEX bookings_session_idx ON bookings (session_id);
CREATE INDEX bookings_customer_idx ON bookings (customer_id, created_at);
CREATE INDEX bookings_vendor_idx ON bookings (vendor_id, created_at);
CREATE INDEX bookings_status_idx ON bookings (status, hold_expires_at);

CREATE TABLE booking_events (
    id          TEXT PRIMARY KEY,
    booking_id  TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL CHECK (actor IN ('customer', 'vendor', 'admin', 'system')),
    actor_id    TEXT,
    reason      TEXT,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, at);
