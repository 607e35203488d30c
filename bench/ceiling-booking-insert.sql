-- pgbench: the INSERT of the booking transaction alone (see bench/ceiling-booking.sql and
-- docs/performance.md, "Ceilings"): the booking row with its first event, in one statement and
-- its own transaction, with no lock, no read, no server and no HTTP. What writing a booking
-- costs PostgreSQL on this schema (its foreign keys and the indexes the reads need).
\set n random(1, :ids)
\set c random(1, :customers)
\set day random(1, 89)
\set h random(6, 17)
\set e :h + random(1, 3)
\set o :e + 1
SELECT i.id AS lid, i.vendor_id AS vid, (SELECT id FROM bench_customers WHERE n = :c) AS cid, gen_random_uuid() AS bid, gen_random_uuid() AS eid, localtimestamp AS now, localtimestamp + interval '1 day' AS hold, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :h) AS st, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :e) AS en, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :o) AS occ FROM bench_ids i WHERE i.n = :n \gset
WITH b AS (INSERT INTO bookings (id, listing_id, session_id, customer_id, vendor_id, status, starts_at, ends_at, occupied_until, quantity, total_amount, currency, line_items, notes, hold_expires_at, idempotency_key, request_hash, created_at, updated_at) VALUES (:bid, :lid, NULL, :cid, :vid, 'requested', :st, :en, :occ, 1, 69270, 'NZD', '[{"amount":69270,"description":"2 hours × 346.35 NZD","quantity":2,"unit_amount":34635}]', NULL, :hold, NULL, 'Equipment { equipment_id: "0167fcb5-cd49-e187-0c26-7bdf2fd13408", start: 2027-01-12T10:00:00Z, end: 2027-01-12T12:00:00Z, quantity: 1 }|None', :now, :now) RETURNING *), e AS (INSERT INTO booking_events (id, booking_id, from_status, to_status, actor, actor_id, reason, at) SELECT :eid, b.id, NULL, b.status, 'customer', b.customer_id, NULL, b.created_at FROM b) SELECT b.id, b.listing_id, b.session_id, b.customer_id, b.vendor_id, b.status, b.starts_at, b.ends_at, b.occupied_until, b.quantity, b.total_amount, b.currency, b.line_items, b.notes, b.hold_expires_at, b.payment_due_at, b.created_at, b.updated_at FROM b;
