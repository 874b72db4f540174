use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub const DEFAULT_DATABASE: &str = "./casework.db";

#[derive(Debug, Parser)]
#[command(
    name = "casework",
    version,
    about = "Case management for a Community Safety Partnership"
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database to use: a SQLite file path, sqlite://PATH or postgres://...
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE, global = true)]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and the API.
    Serve(ServeArgs),
    /// Apply or roll back schema migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load or print the Partnership Plan.
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// Add or disable users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Import open data: police.uk street-level crime files.
    Import {
        #[command(subcommand)]
        what: crate::commands::import::ImportWhat,
    },
    /// Add the demo accounts (one per role) and print their password.
    Demo,
    /// Verify the audit log, sign checkpoints, make checkpoint keys.
    Audit {
        #[command(subcommand)]
        action: crate::commands::audit::AuditAction,
    },
    /// Measure performance (on a scratch database).
    Bench {
        #[command(subcommand)]
        what: crate::commands::bench::BenchAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// Agency code, e.g. cumbria-constabulary.
        #[arg(long)]
        agency: String,
        /// A role; repeat for several (officer, dv-specialist, iom, prevent-deter,
        /// lmaps, analyst, dpo, admin).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The person's name as shown in Casework (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: their sessions and API tokens end at once.
    Disable { username: String },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed at start).
    #[arg(long, env = "CASEWORK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Send the session cookie without Secure (plain HTTP on one machine only).
    #[arg(long, env = "CASEWORK_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// Add demo accounts, one per role, and show their password on the sign-in page.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the latest migration (or --all of them).
    Down {
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Load a plan file (TOML). Importing the same file again changes nothing.
    Import { file: PathBuf },
    /// Load a plan year's measures file (TOML), checked against the stored plan's
    /// aims; it replaces the year's measures (the built-in year has them already).
    Measures {
        file: PathBuf,
        /// The plan year the measures are for, like 2013-14.
        #[arg(long)]
        year: String,
    },
    /// Print the stored plan's priorities, aims and actions.
    Show {
        /// Plan year, like 2012-13; the newest when left out.
        #[arg(long)]
        year: Option<String>,
    },
}

/// Help and version go to stdout as usual; a usage mistake is one line and exit 2.
pub fn exit_for_parse_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("casework: error: {first} (see casework --help)");
            ExitCode::from(2)
        }
    }
}
