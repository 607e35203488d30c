# WaterTrek developer commands. `make run` and `make test` are all a newcomer needs.
CARGO ?= cargo

.PHONY: run seed bench bench-rules bench-http bench-memory test lint fmt fmt-check clippy migrate openapi openapi-check build api-fuzz

## Serve on 127.0.0.1:8080 with SQLite (./data/watertrek.db), the demo data set loaded
## (idempotent) and Swagger UI at /swagger-ui/.
run:
	$(CARGO) build -p api-server
	$(CARGO) run -q -p api-server -- seed-demo
	$(CARGO) run -q -p api-server -- serve

## Load the demo data set into the configured database (idempotent).
seed:
	$(CARGO) run -q -p api-server -- seed-demo

## Everything CI checks: formatting, clippy with warnings as errors, every test.
## PostgreSQL variants run when TEST_DATABASE_URL is set (required when CI is set).
test: fmt-check clippy
	$(CARGO) test --workspace --all-targets

lint: fmt-check clippy

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

build:
	$(CARGO) build --workspace

migrate:
	$(CARGO) run -p api-server -- migrate

openapi:
	@$(CARGO) run -q -p api-server -- openapi

## Validates the generated OpenAPI document (needs Python; installs openapi-spec-validator).
openapi-check:
	@python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install -q openapi-spec-validator
	$(CARGO) run -q -p api-server -- openapi > target/openapi.json
	python3 -m openapi_spec_validator target/openapi.json

## schemathesis (all checks) against the OpenAPI document the release server serves, once per
## role (anonymous, customer, vendor, admin), on a fresh SQLite database with the demo data.
## Installs schemathesis into target/api-fuzz-venv; exceptions in fuzz/schemathesis.toml.
api-fuzz:
	$(CARGO) build --release -p api-server
	bash fuzz/api-fuzz.sh

## Every benchmark: the booking rules' Criterion benchmarks, the HTTP load test, then the
## server's memory under a login flood.
bench: bench-rules bench-http bench-memory

## Criterion benchmarks of the booking rules' hot paths (timeline, is_bookable, DST expansion).
bench-rules:
	$(CARGO) bench -p domain-booking

## HTTP load test on PostgreSQL (10k listings, 50k bookings, wrk, pgbench as the yardstick);
## see docs/performance.md. Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres).
bench-http:
	bash bench/http-load.sh

## The release server's RSS under 1,000 logins from 64 concurrent clients, started with no
## allocator variable, on SQLite and PostgreSQL (needs PostgreSQL as above); see
## docs/performance.md, "Memory under logins".
bench-memory:
	bash bench/login-memory.sh
