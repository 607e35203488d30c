ALTER INDEX listings_search_trgm_idx RESET (fastupdate);
ALTER INDEX listings_location_trgm_idx RESET (fastupdate);
DROP INDEX IF EXISTS listings_browse_category_idx;
DROP TRIGGER IF EXISTS users_is_active_to_listings ON users;
DROP FUNCTION IF EXISTS users_is_active_to_listings();
DROP TRIGGER IF EXISTS listings_vendor_active_on_write ON listings;
DROP FUNCTION IF EXISTS listings_vendor_active_on_write();
ALTER TABLE listings DROP COLUMN vendor_active;
