//! `casework`: serve the web application and run the partnership's housekeeping
//! from the shell. Every subcommand finds its database from `--database-url` or
//! `DATABASE_URL`, defaulting to `./casework.db`.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cli::exit_for_parse_error(err),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("casework: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, naming the problem: no backtrace for a mistyped path.
            eprintln!("casework: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
