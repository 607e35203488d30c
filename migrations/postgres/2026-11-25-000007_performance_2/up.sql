-- Browse shows only listings of active vendors. Until now every candidate row of a browse
-- probed `users` for that flag; `listings.vendor_active` keeps a copy of it, maintained by the
-- triggers below (set from the vendor when a listing is inserted or changes vendor, and
-- copied to every listing of a user whose `is_active` changes), so browse reads listings only.
ALTER TABLE listings ADD COLUMN vendor_active BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE listings l SET vendor_active = u.is_active FROM users u
 WHERE u.id = l.vendor_id AND l.vendor_active <> u.is_active;

CREATE FUNCTION listings_vendor_active_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.vendor_active := COALESCE((SELECT u.is_active FROM users u WHERE u.id = NEW.vendor_id), FALSE);
    RETURN NEW;
END $$;

CREATE TRIGGER listings_vendor_active_on_write
    BEFORE INSERT OR UPDATE OF vendor_id ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_vendor_active_on_write();

CREATE FUNCTION users_is_active_to_listings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings SET vendor_active = NEW.is_active
     WHERE vendor_id = NEW.id AND vendor_active IS DISTINCT FROM NEW.is_active;
    RETURN NULL;
END $$;

CREATE TRIGGER users_is_active_to_listings
    AFTER UPDATE OF is_active ON users
    FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION users_is_active_to_listings();

-- The filters browse always has (kind, public) plus category and a price bound, in one
-- b-tree: a single bitmap that PostgreSQL ANDs with the trigram bitmap of `location`/`q`,
-- instead of ANDing the category and price indexes and rechecking ~1,000 heap rows.
CREATE INDEX listings_browse_category_idx
    ON listings (category_id, kind, is_active, vendor_active, price);

-- Listing writes are rare (vendor edits), so the trigram indexes take them directly instead of
-- through GIN's pending list: entries waiting there (until the next VACUUM) made the planner
-- cost the trigram bitmap too high after a bulk load and made each scan read the whole list.
ALTER INDEX listings_location_trgm_idx SET (fastupdate = off);
ALTER INDEX listings_search_trgm_idx SET (fastupdate = off);
