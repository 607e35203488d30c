-- pgbench: PostgreSQL's own ceiling for booking creation (see docs/performance.md, "Ceilings").
-- The transaction the server runs for POST /bookings of an item, statement for statement as the
-- PostgreSQL log shows them (crates/persistence/src/bookings.rs: `create`; the hold count and
-- occupancy read and the INSERT are in crates/persistence/src/sql/), with no server, no
-- HTTP, no token check and no listing read in front: BEGIN, the lock of the listing row, the
-- hold count and occupancy read, the INSERT of the booking with its first event, COMMIT. The
-- capacity check the domain makes between the read and the INSERT is left out (every window
-- is taken as free), and the hold count stops at 5 (the default MAX_ACTIVE_HOLDS_PER_CUSTOMER),
-- both in the ceiling's favour. One extra lookup first draws the listing, customer and window
-- (bench_ids and bench_customers are made by bench/http-load.sh; -D ids=N -D customers=M).
\set n random(1, :ids)
\set c random(1, :customers)
\set day random(1, 89)
\set h random(6, 17)
\set e :h + random(1, 3)
\set o :e + 1
SELECT i.id AS lid, i.vendor_id AS vid, (SELECT id FROM bench_customers WHERE n = :c) AS cid, gen_random_uuid() AS bid, gen_random_uuid() AS eid, localtimestamp AS now, localtimestamp + interval '1 day' AS hold, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :h) AS st, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :e) AS en, date_trunc('day', localtimestamp) + make_interval(days => :day, hours => :o) AS occ FROM bench_ids i WHERE i.n = :n \gset
BEGIN;
SELECT (SELECT "equipment_terms"."quantity" FROM "equipment_terms" WHERE ("equipment_terms"."listing_id" = :lid) LIMIT 1), "listings"."title" FROM "listings" WHERE ("listings"."id" = :lid) LIMIT 1 FOR UPDATE;
SELECT NULL, NULL, COUNT(*) FROM (SELECT 1 FROM bookings h WHERE h.customer_id = :cid AND h.status = 'requested' AND h.hold_expires_at > :now LIMIT 5) holds UNION ALL SELECT b.starts_at, b.occupied_until, b.quantity FROM bookings b WHERE b.listing_id = :lid AND b.session_id IS NULL AND b.starts_at < :occ AND b.occupied_until > :st AND (b.status = 'confirmed' OR (b.status = 'requested' AND b.hold_expires_at > :now) OR (b.status = 'approved' AND (b.payment_due_at IS NULL OR b.payment_due_at > :now))) UNION ALL SELECT x.starts_at, x.ends_at, COALESCE(x.units, 1) FROM blackouts x WHERE x.listing_id = :lid AND x.starts_at < :occ AND x.ends_at > :st;
WITH b AS (INSERT INTO bookings (id, listing_id, session_id, customer_id, vendor_id, status, starts_at, ends_at, occupied_until, quantity, total_amount, currency, line_items, notes, hold_expires_at, idempotency_key, request_hash, created_at, updated_at) VALUES (:bid, :lid, NULL, :cid, :vid, 'requested', :st, :en, :occ, 1, 69270, 'NZD', '[{"amount":69270,"description":"2 hours × 346.35 NZD","quantity":2,"unit_amount":34635}]', NULL, :hold, NULL, 'Equipment { equipment_id: "0167fcb5-cd49-e187-0c26-7bdf2fd13408", start: 2027-01-12T10:00:00Z, end: 2027-01-12T12:00:00Z, quantity: 1 }|None', :now, :now) RETURNING *), e AS (INSERT INTO booking_events (id, booking_id, from_status, to_status, actor, actor_id, reason, at) SELECT :eid, b.id, NULL, b.status, 'customer', b.customer_id, NULL, b.created_at FROM b) SELECT b.id, b.listing_id, b.session_id, b.customer_id, b.vendor_id, b.status, b.starts_at, b.ends_at, b.occupied_until, b.quantity, b.total_amount, b.currency, b.line_items, b.notes, b.hold_expires_at, b.payment_due_at, b.created_at, b.updated_at FROM b;
COMMIT;
