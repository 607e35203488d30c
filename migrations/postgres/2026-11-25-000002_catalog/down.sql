DROP TABLE listing_images;
DROP TABLE adventure_terms;
DROP TABLE equipment_terms;
DROP TABLE listings;
DROP TABLE categories;
