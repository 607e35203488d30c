DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE customer_profiles;
DROP TABLE vendor_profiles;
DROP TABLE users;
