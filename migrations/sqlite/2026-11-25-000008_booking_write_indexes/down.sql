DROP INDEX bookings_session_idx;
CREATE INDEX bookings_session_idx ON bookings (session_id);
