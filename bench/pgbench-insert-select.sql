-- pgbench yardstick for booking creation: one one-row INSERT and one SELECT of it by key.
-- Run on the scratch database after: CREATE TABLE bench_rows (id bigserial PRIMARY KEY,
-- k bigint NOT NULL, payload text NOT NULL, created_at timestamp NOT NULL);
-- CREATE INDEX ON bench_rows (k);
\set k random(1, 1000000000)
INSERT INTO bench_rows (k, payload, created_at) VALUES (:k, 'requested', now());
SELECT id, k, payload, created_at FROM bench_rows WHERE k = :k;
