-- PostgreSQL gets trigram indexes for the substring filters of browse here. SQLite has no
-- equivalent (LIKE '%…%' cannot use an index), so this migration only keeps the two
-- migration histories alike.
SELECT 1;
