//! The `rai` command: query a data directory, generate synthetic data.

use clap::{Parser, Subcommand};
use rai::gen::{generate, GenOptions};
use rai_core::{parse_timestamp, Endpoint, Engine, ErrorKind, Format, Representation};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rai",
    version,
    about = "rai: an embedded in-memory analytics engine for contact-center data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        /// contactHistory, agentHistory, contactStatistic, agentStatistic, agentStatus or agentStatusHistory.
        endpoint: String,
        /// The raw query string, e.g. `startTime=…&endTime=…&timeCategory=day`.
        query: String,
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
        /// The generation's "now" (active contacts and agent states sit near it);
        /// default: the end of the generated period.
        #[arg(long)]
        now: Option<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Query {
            data,
            now,
            accept,
            default_language,
            endpoint,
            query,
        } => {
            let rep = match accept.as_str() {
                "application/json" | "*/*" => Representation::Json,
                "application/xml" => Representation::Xml,
                other => {
                    eprintln!("unsupported --accept '{other}': use application/json or application/xml");
                    return ExitCode::from(2);
                }
            };
            let Some(endpoint) = Endpoint::from_name(&endpoint) else {
                eprintln!("Unknown endpoint: '{endpoint}'");
                return ExitCode::from(2);
            };
            let mut engine = Engine::new().with_default_language(default_language.as_deref());
            if let Some(now) = now {
                let Some(t) = parse_timestamp(&now) else {
                    eprintln!("Invalid --now: '{now}'");
                    return ExitCode::from(2);
                };
                engine = engine.with_fixed_now(t);
            }
            if let Err(e) = engine.load_dir(&data) {
                eprintln!("{e}");
                return ExitCode::from(3);
            }
            match engine.query(endpoint, &query) {
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
                eprintln!("Invalid --start: '{start}'");
                return ExitCode::from(2);
            };
            let format = match Format::from_name(&format) {
                Some(f @ (Format::JsonLines | Format::Csv)) => f,
                _ => {
                    eprintln!("Invalid --format: '{format}' (jsonl or csv)");
                    return ExitCode::from(2);
                }
            };
            let now = match now.map(|n| parse_timestamp(&n).ok_or(n)) {
                None => None,
                Some(Ok(t)) => Some(t),
                Some(Err(n)) => {
                    eprintln!("Invalid --now: '{n}'");
                    return ExitCode::from(2);
                }
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
