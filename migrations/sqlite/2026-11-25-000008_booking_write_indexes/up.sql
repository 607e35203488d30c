-- As on PostgreSQL, equipment bookings (no session) stay out of the session index. The
-- (customer, idempotency key) uniqueness is a table constraint here, which SQLite can only
-- change by rebuilding the table; it stays as it is.
DROP INDEX bookings_session_idx;
CREATE INDEX bookings_session_idx ON bookings (session_id) WHERE session_id IS NOT NULL;
