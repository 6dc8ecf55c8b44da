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
