//! The `plume` binary: parse the arguments, run the command, print an error once.

use std::process::ExitCode;

fn main() -> ExitCode {
    match plume::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`plume … | head`) is not an error worth reporting.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("plume: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
