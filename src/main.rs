//! The `rai` command: serve the RAI REST API (the default), query a data
//! directory, generate synthetic data.

use clap::{Parser, Subcommand};
use rai::gen::{generate, GenOptions};
use rai_core::{parse_timestamp, Endpoint, Engine, ErrorKind, Format};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rai",
    version,
    about = "rai: an embedded in-memory analytics engine for contact-center data",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Without a command, `rai` serves (`rai serve`), and takes its options:
    /// `rai --port 9000` is `rai serve --port 9000`.
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

/// Options of `rai serve`.
#[derive(clap::Args, Debug, Clone)]
struct ServeArgs {
    /// Address to bind (a non-loopback address needs tokens or --insecure-open).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port (0 = any free port; the chosen one is logged).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Load this data directory instead of generating the demo (into the
    /// store when --store is given: every start loads it again).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Keep everything in this durable store directory (created if
    /// missing): every write is logged before it is acknowledged, and a
    /// restart recovers it. No demo data is generated into a store.
    #[arg(long)]
    store: Option<PathBuf>,
    /// When acknowledged writes reach the disk: sync (before the answer),
    /// interval (within a second after), off (when the OS decides).
    #[arg(long, default_value = "sync", value_parser = ["sync", "interval", "off"])]
    durability: String,
    /// Truncate a corrupt write-ahead log at its first bad record instead
    /// of refusing to start (the writes from there on are lost).
    #[arg(long)]
    repair: bool,
    /// Seconds between checkpoints of the store (Parquet files by table and
    /// day; the log they cover is deleted); one more at a clean stop.
    #[arg(long, default_value_t = 60)]
    checkpoint_secs: u64,
    /// Start empty (fill it through the write API).
    #[arg(long)]
    no_demo: bool,
    /// Pin the clock (RFC 3339); default: the system clock.
    #[arg(long)]
    now: Option<String>,
    /// Language used when a query names none.
    #[arg(long)]
    default_language: Option<String>,
    /// Bearer token required for reads (or RAI_READ_TOKEN).
    #[arg(long, env = "RAI_READ_TOKEN", hide_env_values = true)]
    read_token: Option<String>,
    /// Bearer token required for writes (or RAI_WRITE_TOKEN).
    #[arg(long, env = "RAI_WRITE_TOKEN", hide_env_values = true)]
    write_token: Option<String>,
    /// Allow a non-loopback bind without tokens.
    #[arg(long)]
    insecure_open: bool,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = rai_http::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Longest request target in bytes.
    #[arg(long, default_value_t = rai_http::DEFAULT_MAX_URI_BYTES)]
    max_uri_bytes: usize,
    /// Seconds a query may take (503 after; the engine stops computing it).
    /// A write whose body has arrived always completes and answers.
    #[arg(long, default_value_t = rai_http::DEFAULT_TIMEOUT_SECS)]
    timeout_secs: u64,
    /// Seconds a request body may take to arrive (408 after).
    #[arg(long, default_value_t = rai_http::DEFAULT_BODY_TIMEOUT_SECS)]
    body_timeout_secs: u64,
    /// Seconds a request header may take to arrive (the connection is closed).
    #[arg(long, default_value_t = rai_http::DEFAULT_HEADER_TIMEOUT_SECS)]
    header_timeout_secs: u64,
    /// Engine work running at once (more requests get 503).
    #[arg(long, default_value_t = rai_http::DEFAULT_MAX_CONCURRENCY)]
    max_concurrency: usize,
    /// Bytes the result cache may hold (0 turns it off). Answers are kept
    /// until the next write; answers that read the clock, for the
    /// millisecond they read.
    #[arg(long, default_value_t = rai_core::DEFAULT_CACHE_BYTES)]
    cache_bytes: usize,
    /// Log format on stderr: text or json (one object per line).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    /// Log every request (method, route, status, microseconds, request id) at info level.
    #[arg(long)]
    access_log: bool,
    /// Neither record metrics nor serve GET /metrics.
    #[arg(long)]
    no_metrics: bool,
    /// Open connections at most (more get 503 and are closed).
    #[arg(long, default_value_t = rai_http::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// On Ctrl-C/SIGTERM: seconds in-flight requests may take to finish.
    #[arg(long, default_value_t = rai_http::DEFAULT_SHUTDOWN_GRACE_SECS)]
    shutdown_grace_secs: u64,
    /// Event streams: milliseconds between recomputations of an answer
    /// that reads the clock (others are recomputed at each write).
    #[arg(long, default_value_t = rai_http::DEFAULT_STREAM_INTERVAL_MS)]
    stream_interval_ms: u64,
    /// Event streams: seconds a client may leave an event unread before it
    /// is disconnected.
    #[arg(long, default_value_t = rai_http::DEFAULT_STREAM_STALL_SECS)]
    stream_stall_secs: u64,
    /// Answer the aggregating endpoints (contactHistory, agentHistory,
    /// contactStatistic, agentStatistic) through the Ballista scheduler at
    /// df://HOST:PORT, which reads the store's checkpoint files (needs --store).
    #[arg(long, requires = "store")]
    scaleout: Option<String>,
    /// Seconds a cluster query may take before its request is answered 503.
    #[arg(long, default_value_t = 30)]
    scaleout_timeout_secs: u64,
    /// Days of demo data, ending now.
    #[arg(long, default_value_t = 30)]
    demo_days: u32,
    /// Contact segments of demo data.
    #[arg(long, default_value_t = 300_000)]
    demo_contacts: u64,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
enum Command {
    /// Serve the RAI REST API at http://BIND:PORT/RI/rai (the default command).
    Serve(ServeArgs),
    /// Load every table of DIR and answer one request; the body goes to stdout.
    Query {
        /// The data directory (`<table>.jsonl|.json|.csv`).
        #[arg(long)]
        data: PathBuf,
        /// Pin the clock (RFC 3339); default: the system clock.
        #[arg(long)]
        now: Option<String>,
        /// `application/json` (default) or `application/xml`.
        #[arg(long, default_value = "application/json")]
        accept: String,
        /// Language used when the query names none.
        #[arg(long)]
        default_language: Option<String>,
        /// contactHistory, agentHistory, contactStatistic, agentStatistic, agentStatus, agentStatusHistory or agentStatusTime.
        endpoint: String,
        /// The raw query string, e.g. `startTime=…&endTime=…&timeCategory=day`.
        query: String,
    },
    /// Print the logical plan of a request as JSON (no data needed).
    Explain {
        /// Language used when the query names none.
        #[arg(long)]
        default_language: Option<String>,
        /// contactHistory, agentHistory, contactStatistic, agentStatistic, agentStatus, agentStatusHistory or agentStatusTime.
        endpoint: String,
        /// The raw query string, e.g. `startTime=…&endTime=…&timeCategory=day`.
        query: String,
    },
    /// Run a Ballista scheduler with rai's functions (for `serve --scaleout`).
    Scheduler {
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port.
        #[arg(long, default_value_t = 50050)]
        port: u16,
    },
    /// Run a Ballista executor with rai's functions, serving a scheduler.
    Executor {
        /// The scheduler, HOST:PORT.
        #[arg(long, default_value = "127.0.0.1:50050")]
        scheduler: String,
        /// The host to bind and announce to the scheduler.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Arrow Flight port (the gRPC port is the next one).
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// Tasks run at once (default: the cores).
        #[arg(long)]
        vcores: Option<usize>,
    },
    /// Write deterministic synthetic data for every table.
    Gen {
        /// Output directory (created).
        #[arg(long)]
        out: PathBuf,
        /// First day (YYYY-MM-DD).
        #[arg(long, default_value = "2026-01-01")]
        start: String,
        /// Number of days.
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Number of contact segments.
        #[arg(long, default_value_t = 100_000)]
        contacts: u64,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// jsonl or csv.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// The generation's "now" (active contacts, agent states and the status
        /// log sit near it; nothing arrives after it); default: the current time.
        /// Pass it for byte-identical output.
        #[arg(long)]
        now: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(args) => serve(args),
        Command::Scheduler { bind, port } => cluster_node(rai_scaleout::run_scheduler((bind, port).into())),
        Command::Executor {
            scheduler,
            host,
            port,
            vcores,
        } => {
            let Some((shost, sport)) = scheduler.rsplit_once(':').and_then(|(h, p)| Some((h, p.parse().ok()?))) else {
                eprintln!("--scheduler: expected HOST:PORT, got '{scheduler}'");
                return ExitCode::from(2);
            };
            let vcores = vcores.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let mut o = rai_scaleout::ExecutorOptions::new((shost.to_string(), sport), port, vcores);
            o.host = host;
            cluster_node(rai_scaleout::run_executor(o))
        }
        Command::Query {
            data,
            now,
            accept,
            default_language,
            endpoint,
            query,
        } => {
            // The server's negotiation, so `rai query` answers what `rai serve` would.
            let Some(rep) = rai_http::negotiate(Some(&accept)) else {
                eprintln!("{}", rai_core::messages::NOT_ACCEPTABLE);
                return ExitCode::from(2);
            };
            let Some(endpoint) = Endpoint::from_name(&endpoint) else {
                eprintln!("{}", rai_core::messages::unknown_endpoint(&endpoint));
                return ExitCode::from(2);
            };
            if let Err(code) = check_language(default_language.as_deref()).and_then(|()| check_data_dir(&data)) {
                return code;
            }
            let mut engine = Engine::new().with_default_language(default_language.as_deref());
            match parse_now(now.as_deref()) {
                Ok(Some(t)) => engine = engine.with_fixed_now(t),
                Ok(None) => {}
                Err(code) => return code,
            }
            match load_dir(&engine, &data) {
                Ok(true) => {}
                Ok(false) => eprintln!(
                    "rai: warning: {}",
                    rai_core::messages::no_table_files(&data.display().to_string())
                ),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(3);
                }
            }
            let answer = engine.query(endpoint, &query);
            // The process ends here: freeing every column first (tens of
            // milliseconds for a large data set) would only delay the exit.
            std::mem::forget(engine);
            match answer {
                Ok(res) => {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    // A closed pipe (`| head`) is not an error worth a panic.
                    let _ = writeln!(out, "{}", res.render(rep).trim_end());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(if e.kind() == ErrorKind::InvalidQuery { 2 } else { 3 })
                }
            }
        }
        Command::Explain {
            default_language,
            endpoint,
            query,
        } => {
            let Some(endpoint) = Endpoint::from_name(&endpoint) else {
                eprintln!("{}", rai_core::messages::unknown_endpoint(&endpoint));
                return ExitCode::from(2);
            };
            if let Err(code) = check_language(default_language.as_deref()) {
                return code;
            }
            let engine = Engine::new().with_default_language(default_language.as_deref());
            match engine.plan(endpoint, &query) {
                Ok(plan) => {
                    use std::io::Write;
                    let _ = writeln!(std::io::stdout().lock(), "{}", plan.to_json());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Gen {
            out,
            start,
            days,
            contacts,
            seed,
            format,
            now,
        } => {
            let Some(start) = parse_timestamp(&start) else {
                eprintln!("{}", rai_core::messages::invalid_value("--start", &start));
                return ExitCode::from(2);
            };
            let format = match Format::from_name(&format) {
                Some(f @ (Format::JsonLines | Format::Csv)) => f,
                _ => {
                    eprintln!("Invalid --format: '{format}' (jsonl or csv)");
                    return ExitCode::from(2);
                }
            };
            let now = match parse_now(now.as_deref()) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let opts = GenOptions {
                start,
                days,
                contacts,
                seed,
                format,
                now,
            };
            match generate(&out, &opts) {
                Ok(summary) => {
                    eprintln!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("rai gen: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `--now TS`: None when not given; exit code 2 (with a message) when malformed.
fn parse_now(now: Option<&str>) -> Result<Option<rai_core::Millis>, ExitCode> {
    match now {
        None => Ok(None),
        Some(n) => match parse_timestamp(n) {
            Some(t) => Ok(Some(t)),
            None => {
                eprintln!("{}", rai_core::messages::invalid_value("--now", n));
                Err(ExitCode::from(2))
            }
        },
    }
}

/// `--default-language`: two ASCII letters, as the `language` parameter
/// takes; exit code 2 (with a message) otherwise.
fn check_language(language: Option<&str>) -> Result<(), ExitCode> {
    match language {
        Some(l) if rai_core::parse_language(l).is_none() => {
            eprintln!("{}", rai_core::messages::invalid_value("--default-language", l));
            Err(ExitCode::from(2))
        }
        _ => Ok(()),
    }
}

/// `--data DIR` must be a directory: exit code 2 (naming it) otherwise.
fn check_data_dir(dir: &std::path::Path) -> Result<(), ExitCode> {
    if dir.is_dir() {
        return Ok(());
    }
    eprintln!("{}", rai_core::messages::no_data_dir(&dir.display().to_string()));
    Err(ExitCode::from(2))
}

/// `, contacts N, …` of the engine's tables.
fn row_counts(engine: &Engine) -> String {
    engine
        .snapshot()
        .row_counts()
        .iter()
        .map(|(t, n)| format!(", {} {n}", t.name()))
        .collect()
}

/// Loads a data directory (SPEC §11: `<table>.jsonl`, `.json`, `.csv`),
/// then each `<table>.parquet` (read into JSON Lines, validated alike).
/// Whether it held any table file (an empty directory is worth a warning).
fn load_dir(engine: &Engine, dir: &std::path::Path) -> rai_core::Result<bool> {
    let has_tables = rai_core::Table::ALL.iter().any(|t| {
        ["jsonl", "json", "csv", "parquet"]
            .iter()
            .any(|ext| dir.join(format!("{}.{ext}", t.name())).is_file())
    });
    engine.load_dir(dir)?;
    for table in rai_core::Table::ALL {
        let file = format!("{}.parquet", table.name());
        let bytes = match std::fs::read(dir.join(&file)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(rai_core::Error::data(rai_core::messages::in_file(&file, e))),
        };
        let in_file = |e: rai_core::Error| {
            let message = rai_core::messages::in_file(&file, &e);
            e.with_message(message)
        };
        rai_store::load_parquet(engine, table, bytes).map_err(in_file)?;
    }
    Ok(has_tables)
}

/// Loads a data directory into the engine, logging what it loaded; the
/// exit code on failure.
fn load_data(engine: &Engine, dir: &std::path::Path) -> Result<(), u8> {
    let started = std::time::Instant::now();
    match load_dir(engine, dir) {
        Ok(true) => {}
        Ok(false) => tracing::warn!("{}", rai_core::messages::no_table_files(&dir.display().to_string())),
        Err(e) => {
            tracing::error!("{e}");
            return Err(3);
        }
    }
    tracing::info!(
        "loaded {}{} in {:.1?}",
        dir.display(),
        row_counts(engine),
        started.elapsed()
    );
    Ok(())
}

/// Logs of `rai serve` on stderr: text, or one JSON object per line.
/// Write errors (a closed pipe) are ignored, so they never stop the server.
fn init_logs(format: &str) {
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false);
    let _ = if format == "json" {
        logs.json().try_init()
    } else {
        logs.try_init()
    };
}

/// Runs a scheduler or executor until it ends (Ctrl-C or SIGTERM end the process).
fn cluster_node(run: impl std::future::Future<Output = rai_core::Result<()>>) -> ExitCode {
    init_logs("text");
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn serve(a: ServeArgs) -> ExitCode {
    init_logs(&a.log_format);
    if !a.bind.is_loopback() && a.read_token.is_none() && a.write_token.is_none() && !a.insecure_open {
        eprintln!(
            "refusing to bind {} without --read-token/--write-token; pass --insecure-open to serve it open",
            a.bind
        );
        return ExitCode::from(2);
    }
    if let Err(code) = check_language(a.default_language.as_deref()) {
        return code;
    }
    if let Some(Err(code)) = a.data.as_deref().map(check_data_dir) {
        return code;
    }
    let now = match parse_now(a.now.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut engine = Engine::new().with_default_language(a.default_language.as_deref());
    if let Some(t) = now {
        engine = engine.with_fixed_now(t);
    }
    engine.set_cache_bytes(a.cache_bytes);
    let engine = std::sync::Arc::new(engine);
    let ready = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(a.store.is_none()));
    let opened: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<rai_store::Store>>> = Default::default();
    if let Some(dir) = a.store.clone() {
        // Recover in the background: /livez answers at once, /readyz once done.
        let (engine, ready, data, opened) = (engine.clone(), ready.clone(), a.data.clone(), opened.clone());
        let (scaleout, scaleout_timeout_secs) = (a.scaleout.clone(), a.scaleout_timeout_secs);
        let every = std::time::Duration::from_secs(a.checkpoint_secs.max(1));
        let durability = rai_store::Durability::from_name(&a.durability).unwrap_or_default();
        let options = rai_store::Options::new(durability).with_repair(a.repair);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            match rai_store::open(&dir, options, &engine) {
                Ok(store) => {
                    let rec = &store.recovery;
                    for note in &rec.notes {
                        tracing::warn!("{note}");
                    }
                    tracing::info!(
                        "recovered {} ({} log records{}) in {:.1?}",
                        dir.display(),
                        rec.records,
                        row_counts(&engine),
                        started.elapsed()
                    );
                    let store = std::sync::Arc::new(store);
                    if let Err(e) = store.checkpoint_every(engine.clone(), every) {
                        tracing::error!("{e}");
                    }
                    if let Some(url) = &scaleout {
                        let timeout = std::time::Duration::from_secs(scaleout_timeout_secs.max(1));
                        let joined = rai_scaleout::Cluster::connect(url, &dir, timeout)
                            .and_then(|c| engine.set_backend(std::sync::Arc::new(c)));
                        match joined {
                            Ok(()) => tracing::info!("aggregating endpoints through the cluster at {url}"),
                            Err(e) => {
                                tracing::error!("--scaleout {url}: {e}");
                                std::process::exit(2);
                            }
                        }
                    }
                    let _ = opened.set(store);
                }
                Err(e) => {
                    tracing::error!("{e}");
                    std::process::exit(2);
                }
            }
            if let Some(data) = data {
                if let Err(code) = load_data(&engine, &data) {
                    std::process::exit(code.into());
                }
            }
            ready.store(true, std::sync::atomic::Ordering::Release);
        });
    } else if let Some(dir) = &a.data {
        if let Err(code) = load_data(&engine, dir) {
            return ExitCode::from(code);
        }
    } else if !a.no_demo {
        let started = std::time::Instant::now();
        let now = engine.now();
        let first_day = (now - a.demo_days as i64 * rai_core::DAY_MS).div_euclid(rai_core::DAY_MS) * rai_core::DAY_MS;
        let opts = GenOptions {
            start: first_day,
            days: a.demo_days + 1,
            contacts: a.demo_contacts,
            seed: 1,
            format: Format::Csv,
            now: Some(now),
        };
        for g in rai::gen::generate_tables(&opts) {
            if let Err(e) = engine.load(g.table, Format::Csv, &g.bytes()) {
                tracing::error!("demo data: {}: {e}", g.table.name());
                return ExitCode::from(3);
            }
        }
        tracing::info!(
            "demo data, {} contact segments over the last {} days, generated in {:.1?}",
            a.demo_contacts,
            a.demo_days,
            started.elapsed()
        );
    }
    let config = rai_http::Config {
        read_token: a.read_token.clone(),
        write_token: a.write_token.clone(),
        max_body_bytes: a.max_body_bytes,
        max_uri_bytes: a.max_uri_bytes,
        request_timeout: std::time::Duration::from_secs(a.timeout_secs),
        body_read_timeout: std::time::Duration::from_secs(a.body_timeout_secs),
        header_read_timeout: std::time::Duration::from_secs(a.header_timeout_secs.max(1)),
        max_concurrency: a.max_concurrency,
        max_connections: a.max_connections,
        shutdown_grace: std::time::Duration::from_secs(a.shutdown_grace_secs),
        ready,
        metrics: !a.no_metrics,
        access_log: a.access_log,
        stream_interval: std::time::Duration::from_millis(a.stream_interval_ms.max(10)),
        stream_stall_timeout: std::time::Duration::from_secs(a.stream_stall_secs.max(1)),
    };
    let today = rai_core::timestamp_string(engine.now());
    let day = &today[..10];
    // Today in Helsinki starts at local midnight, not at UTC's.
    let helsinki_today = rai_core::parse_zone("Europe/Helsinki").map_or_else(
        || day.to_string(),
        |tz| {
            let now = engine.now();
            let local_midnight = (now + rai_core::offset_ms(tz, now)).div_euclid(rai_core::DAY_MS) * rai_core::DAY_MS;
            rai_core::timestamp_string(local_midnight - rai_core::offset_ms(tz, local_midnight))
        },
    );
    let res = rai_http::serve_blocking(
        std::net::SocketAddr::new(a.bind, a.port),
        engine.clone(),
        config,
        |addr| {
            let base = format!("http://{addr}/RI/rai");
            tracing::info!("serving {base}  (Ctrl-C stops)");
            tracing::info!("try {base}/contactStatistic?startTime={helsinki_today}&timeZone=Europe/Helsinki&timeCategory=hour&showChannel=false");
            tracing::info!("try {base}/agentStatus?startTime={day}&sort=userName,LOCALE-fi&limit=10");
            tracing::info!("try {base}/openapi.json and http://{addr}/metrics");
        },
    );
    if let Some(store) = opened.get() {
        // A clean stop: checkpoint, so the next start restores files instead of replaying the log.
        if let Err(e) = store.checkpoint(&engine) {
            tracing::error!("final checkpoint failed (the log keeps every write): {e}");
        }
    }
    match res {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::from(1)
        }
    }
}
