//! Child processes whose output lines can be awaited.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// A running program; its stdout lines arrive on a channel, stderr is collected.
pub struct Running {
    pub name: String,
    child: Child,
    lines: Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    seen: Vec<String>,
}

impl Running {
    pub fn spawn(name: &str, mut command: Command) -> Running {
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("{name}: cannot start: {e}"));
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Running { name: name.to_owned(), child, lines, stderr, seen: Vec::new() }
    }

    /// Waits for a stdout line matching `pred` (the timeout is only a failsafe for a broken run).
    pub fn wait_line(&mut self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{}: no {what} within {timeout:?}; stdout {:?}; stderr {}",
                    self.name,
                    self.seen,
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("{}: exited before {what}; stdout {:?}; stderr {}", self.name, self.seen, self.stderr())
                }
            }
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits for the program to exit on its own.
    pub fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{}: still running after {timeout:?}; stderr {}",
                self.name,
                self.stderr()
            );
            // Bounded poll of the exit status: there is no portable way to wait with a timeout.
            std::thread::park_timeout(Duration::from_millis(20));
        }
    }

    /// Asks the program to stop (SIGTERM) and waits for it; kills it if it does not.
    pub fn terminate(&mut self, grace: Duration) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
            let deadline = Instant::now() + grace;
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::park_timeout(Duration::from_millis(20));
            }
        }
        self.kill();
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How much of a program's output a failing test prints.
const TAIL_LINES: usize = 40;

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
        // A failing test says what its programs printed last (CI keeps only the test's output).
        if std::thread::panicking() {
            self.seen.extend(self.lines.try_iter());
            let out = &self.seen[self.seen.len().saturating_sub(TAIL_LINES)..];
            let err = self.stderr();
            let err: Vec<&str> = err.lines().collect();
            let err = &err[err.len().saturating_sub(TAIL_LINES)..];
            eprintln!(
                "--- {} (last lines) stdout:\n{}\n--- {} stderr:\n{}",
                self.name,
                out.join("\n"),
                self.name,
                err.join("\n")
            );
        }
    }
}
