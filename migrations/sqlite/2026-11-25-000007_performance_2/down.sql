DROP INDEX IF EXISTS listings_browse_category_idx;
DROP TRIGGER IF EXISTS users_is_active_to_listings;
DROP TRIGGER IF EXISTS listings_vendor_active_on_vendor_change;
DROP TRIGGER IF EXISTS listings_vendor_active_on_insert;
ALTER TABLE listings DROP COLUMN vendor_active;
