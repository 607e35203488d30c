-- Accounts: users, vendor and customer profiles, refresh tokens, failed logins.
-- Timestamps are UTC (TIMESTAMP without time zone, the connection runs with TIME ZONE 'UTC').

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'vendor', 'admin')),
    full_name     TEXT,
    phone         TEXT,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    token_version BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE vendor_profiles (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    business_name TEXT NOT NULL,
    slug          TEXT NOT NULL,
    description   TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    website       TEXT,
    city          TEXT,
    country       TEXT,
    timezone      TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CONSTRAINT vendor_profiles_slug_key UNIQUE (slug)
);

CREATE TABLE customer_profiles (
    user_id               TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name          TEXT,
    phone                 TEXT,
    emergency_contact     TEXT,
    driver_license_number TEXT,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    revoked_at TIMESTAMP,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Keyed by e-mail, not user, so unknown and known addresses are throttled alike.
CREATE TABLE login_failures (
    id        TEXT PRIMARY KEY,
    email     TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
