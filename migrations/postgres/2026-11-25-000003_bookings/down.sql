DROP TABLE booking_events;
DROP TABLE bookings;
DROP TABLE sessions;
DROP TABLE blackouts;
DROP TABLE availability_rules;
