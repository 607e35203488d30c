-- pgbench: PostgreSQL's own ceiling for the filtered catalog list (see docs/performance.md,
-- "Ceilings"): only the filter of GET /equipment?category=&location=&max_price=, the page's
-- ids and the total (`COUNT(*) OVER ()`), as the inner query of the browse statement
-- (crates/persistence/src/catalog.rs: `browse`) that the PostgreSQL log shows; none of the
-- listings' data, no server, no HTTP. One extra lookup first draws the filters from the
-- bench's list mix (bench_lists, made by bench/http-load.sh; -D lists=N).
\set n random(1, :lists)
SELECT category AS cat, location_pattern AS loc, cap FROM bench_lists WHERE n = :n \gset
SELECT "listings"."id", COUNT(*) OVER () FROM "listings" WHERE (((((("listings"."kind" = 'equipment') AND ("listings"."is_active" = true)) AND ("listings"."vendor_active" = true)) AND ("listings"."category_id" = ANY(SELECT "categories"."id" FROM "categories" WHERE (("categories"."kind" = 'equipment') AND ("categories"."slug" = :cat))))) AND ("listings"."location_text" LIKE :loc ESCAPE '\')) AND ("listings"."price" <= :cap)) ORDER BY "listings"."created_at" DESC, "listings"."id" DESC LIMIT 20 OFFSET 0;
