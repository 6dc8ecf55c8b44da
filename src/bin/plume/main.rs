//! The `plume` binary: parse the arguments, run the command, print an error once. The
//! library does the work; this crate owns the command line (clap), the messages on stderr,
//! the progress bar and the exit codes.
//!
//! Results go to stdout (or `--out`), progress and summaries to stderr.

mod args;
mod commands;
mod progress;
mod rewrite;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use args::{Cli, Command};

/// Parses the command line and runs it. Returns the exit status.
fn run() -> Result<u8> {
    match Cli::parse().command {
        Command::Rewrite(args) => rewrite::rewrite(args),
        Command::Check(args) => commands::check(args),
        Command::Generate(args) => commands::generate(args),
        Command::Tokenize(args) => commands::tokenize(args),
        Command::Bench(args) => commands::bench(args),
        Command::Review(args) => commands::review(args),
        Command::Model(cmd) => commands::model_command(cmd),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`plume … | head`) is not an error worth reporting.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Each cause once: a message that already quotes its cause is not followed by it.
            let mut message = String::new();
            for cause in err.chain() {
                let text = cause.to_string();
                if !message.contains(&text) {
                    if !message.is_empty() {
                        message.push_str(": ");
                    }
                    message.push_str(&text);
                }
            }
            eprintln!("plume: error: {message}");
            ExitCode::from(2)
        }
    }
}
