DROP INDEX IF EXISTS listings_search_trgm_idx;
DROP INDEX IF EXISTS listings_location_trgm_idx;
DROP EXTENSION IF EXISTS pg_trgm;
