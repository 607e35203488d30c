-- `listings.vendor_active`: a copy of the vendor's `users.is_active`, kept by triggers, so
-- browse filters on listings alone (see the PostgreSQL migration of the same name).
ALTER TABLE listings ADD COLUMN vendor_active BOOLEAN NOT NULL DEFAULT 1;
UPDATE listings SET vendor_active = COALESCE(
    (SELECT u.is_active FROM users u WHERE u.id = listings.vendor_id), 0);

CREATE TRIGGER listings_vendor_active_on_insert AFTER INSERT ON listings
BEGIN
    UPDATE listings SET vendor_active = COALESCE(
        (SELECT u.is_active FROM users u WHERE u.id = NEW.vendor_id), 0)
     WHERE id = NEW.id;
END;

CREATE TRIGGER listings_vendor_active_on_vendor_change AFTER UPDATE OF vendor_id ON listings
BEGIN
    UPDATE listings SET vendor_active = COALESCE(
        (SELECT u.is_active FROM users u WHERE u.id = NEW.vendor_id), 0)
     WHERE id = NEW.id;
END;

CREATE TRIGGER users_is_active_to_listings AFTER UPDATE OF is_active ON users
WHEN OLD.is_active IS NOT NEW.is_active
BEGIN
    UPDATE listings SET vendor_active = NEW.is_active WHERE vendor_id = NEW.id;
END;

CREATE INDEX listings_browse_category_idx
    ON listings (category_id, kind, is_active, vendor_active, price);
