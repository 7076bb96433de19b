//! A second start that meets the profile's window while it quits. The single-instance plugin
//! finds the profile's name still taken, hands its arguments over, and the quitting window goes
//! away without answering (D-Bus: "recipient disconnected without replying"); the start then
//! failed with an error, though a moment later it would have been the only instance. Seen when a
//! window is closed and started again at once on a busy machine. The start runs again instead
//! (the same program, arguments and process id, so a launcher or WebDriver still holds it),
//! a few times, a moment apart.

use std::process::ExitCode;
use std::time::Duration;

const ATTEMPT: &str = "TANDEM_START_ATTEMPT";
const MAX_ATTEMPTS: u32 = 10;
const PAUSE: Duration = Duration::from_millis(300);

/// Whether the start failed only because the running instance quit while taking the hand-over.
pub fn lost_handover(error: &tauri::Error) -> bool {
    error.to_string().contains("failed to forward arguments to the running instance")
}

/// Starts this program again with the same arguments; returns only when it could not.
pub fn start_again() -> ExitCode {
    let attempt = std::env::var(ATTEMPT).ok().and_then(|a| a.parse::<u32>().ok()).unwrap_or(0) + 1;
    if attempt > MAX_ATTEMPTS {
        eprintln!(
            "error: Tandem could not start: another Tandem on this profile kept quitting while this one started \
             ({MAX_ATTEMPTS} tries). Start Tandem again."
        );
        return ExitCode::FAILURE;
    }
    tracing::info!(
        "another Tandem on this profile quit while taking this start's arguments; starting again ({attempt})"
    );
    std::thread::sleep(PAUSE);
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("error: Tandem could not start again after another Tandem quit: {e}. Start Tandem again.");
            return ExitCode::FAILURE;
        }
    };
    let mut command = std::process::Command::new(exe);
    command.args(std::env::args_os().skip(1)).env(ATTEMPT, attempt.to_string());
    replace_process(command)
}

#[cfg(unix)]
fn replace_process(mut command: std::process::Command) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let e = command.exec();
    eprintln!("error: Tandem could not start again after another Tandem quit: {e}. Start Tandem again.");
    ExitCode::FAILURE
}

#[cfg(not(unix))]
fn replace_process(mut command: std::process::Command) -> ExitCode {
    match command.spawn() {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: Tandem could not start again after another Tandem quit: {e}. Start Tandem again.");
            ExitCode::FAILURE
        }
    }
}
