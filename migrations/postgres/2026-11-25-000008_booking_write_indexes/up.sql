-- A booking insert maintains every index of `bookings`. Most bookings carry no idempotency key,
-- and equipment bookings have no session, so partial indexes leave those rows out: two index
-- entries fewer per equipment booking without a key. Lookups by key or by session name the
-- column with `=`, which implies IS NOT NULL, so they still use the indexes; NULL keys never
-- conflicted, so the uniqueness of (customer, key) is unchanged.
ALTER TABLE bookings DROP CONSTRAINT bookings_customer_idempotency_key;
CREATE UNIQUE INDEX bookings_customer_idempotency_key
    ON bookings (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

DROP INDEX bookings_session_idx;
CREATE INDEX bookings_session_idx ON bookings (session_id) WHERE session_id IS NOT NULL;
