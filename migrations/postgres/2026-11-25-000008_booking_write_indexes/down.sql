DROP INDEX bookings_session_idx;
CREATE INDEX bookings_session_idx ON bookings (session_id);

DROP INDEX bookings_customer_idempotency_key;
ALTER TABLE bookings ADD CONSTRAINT bookings_customer_idempotency_key
    UNIQUE (customer_id, idempotency_key);
