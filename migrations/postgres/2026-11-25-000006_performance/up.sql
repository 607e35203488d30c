-- Browse filters `location` and `q` are substring matches (LIKE '%…%' on the lower-cased
-- copies), which no b-tree can serve: without these, every browse read each candidate row
-- of the kind (or category and price range) to test the pattern. Trigram indexes give the
-- planner a bitmap of the rows that can match. pg_trgm ships with PostgreSQL and is a
-- trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX listings_location_trgm_idx ON listings USING gin (location_text gin_trgm_ops);
CREATE INDEX listings_search_trgm_idx ON listings USING gin (search_text gin_trgm_ops);
