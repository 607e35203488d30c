//! `api-server`: the WaterTrek server and its operator commands.

use std::io::IsTerminal;
use std::process::ExitCode;

use actix_web::{web, HttpServer};
use api_server::blocking::db;
use api_server::config::Settings;
use api_server::state::AppState;
use api_server::{app, openapi, seed, telemetry};
use clap::{Parser, Subcommand};
use domain_accounts::CreateAdminOutcome;
use persistence::{build_pool, run_migrations, DbPool};

/// jemalloc serves allocations of 8 MiB and more (argon2id's 19 MiB of blocks per hash, which
/// the hasher frees when hashing goes idle) from an arena of their own and returns their pages
/// to the system when they are freed. glibc's malloc raised its mmap threshold after the first
/// such free and then kept the blocks in per-thread arenas: 1,000 logins left the server at
/// 0.3–2.6 GiB instead of under 100 MiB (docs/performance.md, "Memory under logins"). No
/// environment variable is needed.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "api-server",
    version,
    about = "WaterTrek booking marketplace API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator. The password comes from ADMIN_PASSWORD or is asked for.
    CreateAdmin {
        #[arg(long)]
        email: String,
    },
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Load a demo data set (idempotent).
    SeedDemo,
}

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth a word.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            eprintln!("warning: cannot read .env: {error}");
        }
    }
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return match openapi::document_json() {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&format!("cannot render the OpenAPI document: {error}")),
        };
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return fail(&error.to_string()),
    };
    telemetry::init(settings.log_format);
    let pool = match build_pool(&settings.database, settings.db_pool_size) {
        Ok(pool) => pool,
        Err(error) => {
            return fail(&format!(
                "cannot open the {} database: {error}",
                settings.database.backend_name()
            ))
        }
    };
    match command {
        Command::Migrate => match migrate(&pool) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => fail(&message),
        },
        Command::CreateAdmin { email } => create_admin(settings, pool, &email),
        Command::SeedDemo => seed_demo(settings, pool),
        Command::Serve | Command::Openapi => serve(settings, pool),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn migrate(pool: &DbPool) -> Result<(), String> {
    let mut conn = pool
        .get()
        .map_err(|e| format!("no database connection: {e}"))?;
    let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
    if applied.is_empty() {
        tracing::info!("database schema is up to date");
    }
    for name in applied {
        tracing::info!(migration = %name, "applied migration");
    }
    Ok(())
}

fn serve(settings: Settings, pool: DbPool) -> ExitCode {
    if settings.auto_migrate {
        if let Err(message) = migrate(&pool) {
            return fail(&message);
        }
    }
    if settings.jwt_secret_generated {
        tracing::warn!(
            "JWT_SECRET is not set: using a random secret for this process only; tokens will \
             not survive a restart (set JWT_SECRET; it is required when APP_ENV=production)"
        );
    }
    if settings.stripe_webhook_secret_generated {
        tracing::warn!(
            "STRIPE_WEBHOOK_SECRET is not set: the development payment provider signs its \
             simulated events with a random secret for this process only"
        );
    }
    let bind_addr = settings.bind_addr;
    let backend = settings.database.backend_name();
    let state = match AppState::new(settings, pool) {
        Ok(state) => web::Data::new(state),
        Err(error) => return fail(&format!("cannot initialise: {error}")),
    };
    let result = actix_web::rt::System::new().block_on(async move {
        // Listen for SIGTERM and SIGINT before binding, so a signal that arrives as soon as the
        // port is open still stops the server gracefully.
        use actix_web::rt::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate())?;
        let interrupt = signal(SignalKind::interrupt())?;
        let state_for_sweeper = state.clone();
        let server = HttpServer::new(move || app(state.clone()))
            .bind(bind_addr)?
            // On a signal: stop accepting, let requests in flight finish for up to 30 s.
            .shutdown_timeout(30)
            .disable_signals()
            .run();
        spawn_expiry_sweeper(state_for_sweeper);
        for mut stream in [term, interrupt] {
            let handle = server.handle();
            actix_web::rt::spawn(async move {
                stream.recv().await;
                tracing::info!("shutting down: finishing requests in flight (at most 30 s)");
                handle.stop(true).await;
            });
        }
        tracing::info!(
            %bind_addr, database = backend,
            "WaterTrek listening: API under /api/v1, Swagger UI at http://{bind_addr}/swagger-ui/"
        );
        server.await
    });
    match result {
        Ok(()) => {
            tracing::info!("server stopped");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&format!("cannot serve on {bind_addr}: {error}")),
    }
}

/// How often each instance marks lapsed holds and payment deadlines `expired`. Capacity does
/// not wait for it (lapsed bookings stop blocking at once); it makes the status visible.
const EXPIRY_SWEEP_SECONDS: u64 = 30;

/// Runs the expiry sweep and the refund settlement in the background of this instance.
/// Several instances may run them on one database: each booking is claimed by a conditional
/// update, so it expires once, and each refund is decided once and sent with its own
/// idempotency key.
fn spawn_expiry_sweeper(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut ticks =
            actix_web::rt::time::interval(std::time::Duration::from_secs(EXPIRY_SWEEP_SECONDS));
        loop {
            ticks.tick().await;
            match db(&state, |state| state.bookings.expire_lapsed(500)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(expired)) => tracing::info!(expired, "expired lapsed bookings"),
                Ok(Err(error)) => tracing::warn!(%error, "expiry sweep failed; retrying later"),
                Err(error) => tracing::warn!(%error, "expiry sweep did not run"),
            }
            match db(&state, |state| state.payments.settle()).await {
                Ok(Ok(report)) => {
                    if report.settled + report.issue.issued > 0 {
                        tracing::info!(
                            settled = report.settled,
                            issued = report.issue.issued,
                            "settled refunds"
                        );
                    }
                    for (refund, error) in &report.issue.deferred {
                        tracing::warn!(%refund, %error, "refund deferred; will retry");
                    }
                }
                Ok(Err(error)) => {
                    tracing::warn!(%error, "refund settlement failed; retrying later")
                }
                Err(error) => tracing::warn!(%error, "refund settlement did not run"),
            }
        }
    });
}

fn admin_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("ADMIN_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err("set ADMIN_PASSWORD or run create-admin on a terminal".into());
    }
    let first = rpassword::prompt_password("Admin password: ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("Repeat it: ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("the passwords differ".into());
    }
    Ok(first)
}

fn create_admin(settings: Settings, pool: DbPool, email: &str) -> ExitCode {
    if settings.auto_migrate {
        if let Err(message) = migrate(&pool) {
            return fail(&message);
        }
    }
    let password = match admin_password() {
        Ok(password) => password,
        Err(message) => return fail(&message),
    };
    let state = match AppState::new(settings, pool) {
        Ok(state) => state,
        Err(error) => return fail(&format!("cannot initialise: {error}")),
    };
    match state.accounts.create_admin(email, &password) {
        Ok(CreateAdminOutcome::Created(id)) => {
            println!(
                "created administrator {} (id {id})",
                email.trim().to_lowercase()
            );
            ExitCode::SUCCESS
        }
        Ok(CreateAdminOutcome::AlreadyExists(role)) => {
            println!(
                "an account for {} already exists (role {role}); nothing changed",
                email.trim().to_lowercase()
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.to_string()),
    }
}

fn seed_demo(settings: Settings, pool: DbPool) -> ExitCode {
    if settings.auto_migrate {
        if let Err(message) = migrate(&pool) {
            return fail(&message);
        }
    }
    let bind_addr = settings.bind_addr;
    let media_root = settings.media_root.clone();
    let state = match AppState::new(settings, pool) {
        Ok(state) => state,
        Err(error) => return fail(&format!("cannot initialise: {error}")),
    };
    let report = match seed::seed_demo(&state) {
        Ok(report) => report,
        Err(message) => return fail(&message),
    };
    println!("{report}");
    if !report.already_present {
        println!("pictures are stored in {}", media_root.display());
    }
    println!();
    println!("Demo logins (POST /api/v1/auth/login, then Authorize in Swagger UI):");
    for login in seed::demo_logins() {
        println!(
            "  {:<9} {:<30} {:<19} {}",
            login.role.as_str(),
            login.email,
            login.password,
            login.label
        );
    }
    println!();
    println!(
        "Swagger UI: http://{bind_addr}/swagger-ui/ (start the server with `api-server serve`)"
    );
    ExitCode::SUCCESS
}
