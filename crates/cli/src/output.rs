//! Human or JSON output. Errors go to stderr with their code (`error[link_expired]: …`).

use serde::Serialize;
use tandem_client::ClientError;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output { json }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints `human` for people, or `value` as one JSON line. A reader that went away
    /// (`tandem-cli … | head`) ends the program quietly, as other command-line tools do.
    pub fn emit<T: Serialize>(&self, human: impl FnOnce() -> String, value: &T) {
        use std::io::Write;
        let line = if self.json { serde_json::to_string(value).unwrap_or_default() } else { human() };
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            std::process::exit(0);
        }
    }

    /// Progress for people only (stderr, so stdout stays clean for scripts).
    pub fn note(&self, text: &str) {
        if !self.json {
            eprintln!("{text}");
        }
    }

    pub fn error(&self, error: &anyhow::Error) {
        let code = error.downcast_ref::<ClientError>().map(ClientError::code).unwrap_or("error");
        if self.json {
            eprintln!("{}", serde_json::json!({"error": code, "message": format!("{error:#}")}));
        } else {
            eprintln!("error[{code}]: {error:#}");
        }
    }
}
