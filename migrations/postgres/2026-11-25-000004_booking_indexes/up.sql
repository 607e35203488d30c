-- Counting a customer's live holds reads only that customer's requested bookings.
CREATE INDEX bookings_customer_holds_idx ON bookings (customer_id, status, hold_expires_at);
