-- Payments: one PaymentIntent per booking, refunds, and every verified webhook event.

CREATE TABLE payments (
    id                   TEXT PRIMARY KEY,
    -- No cascade: payment records outlive nothing they belong to; a listing with paid
    -- bookings cannot be deleted.
    booking_id           TEXT NOT NULL UNIQUE REFERENCES bookings (id),
    provider             TEXT NOT NULL CHECK (provider IN ('dev', 'stripe')),
    intent_id            TEXT NOT NULL UNIQUE,
    amount               BIGINT NOT NULL CHECK (amount >= 0),
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL
        CHECK (status IN ('pending', 'failed', 'succeeded', 'canceled')),
    failure_message      TEXT,
    -- When the refund of the booking's cancellation was decided (claimed once).
    refund_settled_at    TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX payments_status_idx ON payments (status, created_at);

CREATE TABLE refunds (
    id                 TEXT PRIMARY KEY,
    payment_id         TEXT NOT NULL REFERENCES payments (id),
    booking_id         TEXT NOT NULL REFERENCES bookings (id),
    provider_refund_id TEXT UNIQUE,
    amount             BIGINT NOT NULL CHECK (amount > 0),
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    kind               TEXT NOT NULL CHECK (kind IN ('cancellation', 'late_payment')),
    reason             TEXT NOT NULL,
    -- Derived from the booking and the kind: at most one refund of each kind per booking.
    idempotency_key    TEXT NOT NULL UNIQUE,
    failure_message    TEXT,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id, created_at);
CREATE INDEX refunds_to_issue_idx ON refunds (created_at)
    WHERE status = 'pending' AND provider_refund_id IS NULL;

CREATE TABLE webhook_events (
    -- The provider's event id: an event is processed once however often it arrives.
    id           TEXT PRIMARY KEY,
    event_type   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    processed_at TIMESTAMP NOT NULL,
    outcome      TEXT NOT NULL
);
