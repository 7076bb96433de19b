//! One running desktop per profile folder, on Windows and macOS.
//!
//! Tauri's single-instance plugin names the running app by the bundle identifier there (a named
//! mutex and a hidden window on Windows, a socket on macOS), so every profile would count as the
//! same app; only its Linux form (a D-Bus name) can be given another name ([`super::instance_id`]).
//! So a desktop started with `--profile` on Windows or macOS claims its profile here instead:
//!
//! - Windows: a named pipe `\\.\pipe\<instance id>`. A start first tries to open it (someone
//!   answers: hand over); if there is none it creates it, and creating its first instance is
//!   atomic (`FILE_FLAG_FIRST_PIPE_INSTANCE`). Remote clients are refused.
//! - macOS (any Unix): a socket `<temp dir>/<instance id>.sock` (macOS's temp dir is per user),
//!   mode 0600; a socket file left by a crash is removed when nothing answers on it.
//!
//! A second start connects, sends its command line as one JSON line, waits for `ok` and quits.
//! The first start gets that command line from [`Listener::next`] (to bring its window to the
//! front and follow a `tandem://` link). The default profile keeps the plugin.

use std::io::{Error, ErrorKind, Result};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// How long a second start waits for the first to take its command line.
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(10);

/// Claims the profile named `id`. `Ok(None)`: another start holds it and was handed `args`, so
/// this one should quit. `Ok(Some(listener))`: this start is the profile's one instance.
pub async fn claim(id: &str, args: &[String]) -> Result<Option<Listener>> {
    imp::claim(id, args).await
}

/// The first start's end: other starts' command lines, one at a time.
pub struct Listener(imp::Listener);

impl Listener {
    /// The command line of the next start of this profile (it has been answered `ok`).
    pub async fn next(&mut self) -> Result<Vec<String>> {
        self.0.next().await
    }
}

async fn send_args<S: AsyncRead + AsyncWrite + Unpin>(stream: S, args: &[String]) -> Result<()> {
    let mut stream = BufReader::new(stream);
    let mut line = serde_json::to_string(args).map_err(Error::other)?;
    line.push('\n');
    let exchange = async {
        stream.get_mut().write_all(line.as_bytes()).await?;
        stream.get_mut().flush().await?;
        let mut answer = String::new();
        stream.read_line(&mut answer).await?;
        if answer.trim() == "ok" {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::InvalidData, "the running Tandem did not take the command line"))
        }
    };
    tokio::time::timeout(HANDOVER_TIMEOUT, exchange)
        .await
        .map_err(|_| Error::new(ErrorKind::TimedOut, "the running Tandem did not answer"))?
}

async fn receive_args<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> Result<Vec<String>> {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    let read = tokio::time::timeout(HANDOVER_TIMEOUT, stream.read_line(&mut line)).await;
    read.map_err(|_| Error::new(ErrorKind::TimedOut, "a second start sent nothing"))??;
    let args: Vec<String> = serde_json::from_str(line.trim()).map_err(|e| Error::new(ErrorKind::InvalidData, e))?;
    stream.get_mut().write_all(b"ok\n").await?;
    stream.get_mut().flush().await?;
    Ok(args)
}

#[cfg(unix)]
mod imp {
    use std::io::{ErrorKind, Result};
    use std::path::PathBuf;

    use tokio::net::{UnixListener, UnixStream};

    pub struct Listener {
        listener: UnixListener,
        path: PathBuf,
    }

    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    pub async fn claim(id: &str, args: &[String]) -> Result<Option<super::Listener>> {
        let path = std::env::temp_dir().join(format!("{id}.sock"));
        for _ in 0..2 {
            if let Ok(stream) = UnixStream::connect(&path).await {
                super::send_args(stream, args).await?;
                return Ok(None);
            }
            // Nothing answers: a socket file left by a crash, or none at all.
            let _ = std::fs::remove_file(&path);
            match UnixListener::bind(&path) {
                Ok(listener) => {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
                    return Ok(Some(super::Listener(Listener { listener, path })));
                }
                // Another start bound it in between: hand over to that one.
                Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::new(ErrorKind::AddrInUse, format!("{} is taken and does not answer", path.display())))
    }

    impl Listener {
        pub async fn next(&mut self) -> Result<Vec<String>> {
            loop {
                let (stream, _) = self.listener.accept().await?;
                match super::receive_args(stream).await {
                    Ok(args) => return Ok(args),
                    Err(e) => tracing::warn!("a second start's command line was not read: {e}"),
                }
            }
        }
    }
}

#[cfg(windows)]
mod imp {
    use std::io::{ErrorKind, Result};

    use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeServer, ServerOptions};

    /// ERROR_PIPE_BUSY: every instance of the pipe is serving another client.
    const PIPE_BUSY: i32 = 231;

    pub struct Listener {
        name: String,
        server: NamedPipeServer,
    }

    pub async fn claim(id: &str, args: &[String]) -> Result<Option<super::Listener>> {
        let name = format!(r"\\.\pipe\{id}");
        for _ in 0..50 {
            // A running start answers on the pipe: hand over to it.
            match ClientOptions::new().open(&name) {
                Ok(client) => {
                    super::send_args(client, args).await?;
                    return Ok(None);
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) if e.raw_os_error() == Some(PIPE_BUSY) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
                Err(e) => return Err(e),
            }
            // No pipe: create it. Of two starts racing here, Windows lets only one create the
            // first instance (wine does not, so there the check above does the work).
            match ServerOptions::new().first_pipe_instance(true).reject_remote_clients(true).create(&name) {
                Ok(server) => return Ok(Some(super::Listener(Listener { name, server }))),
                Err(e) if e.kind() == ErrorKind::PermissionDenied => {}
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::new(ErrorKind::TimedOut, format!("{name} is taken and does not answer")))
    }

    impl Listener {
        pub async fn next(&mut self) -> Result<Vec<String>> {
            loop {
                self.server.connect().await?;
                // The next start connects to a fresh instance of the pipe.
                let next = ServerOptions::new().reject_remote_clients(true).create(&self.name)?;
                let connected = std::mem::replace(&mut self.server, next);
                match super::receive_args(connected).await {
                    Ok(args) => return Ok(args),
                    Err(e) => tracing::warn!("a second start's command line was not read: {e}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_start_of_a_profile_hands_its_command_line_to_the_first() {
        let id = format!("dev.tandem.desktop.test{}", std::process::id());
        let mut first = claim(&id, &[]).await.unwrap().expect("the first start holds the profile");
        let second_args = vec!["tandem-desktop".to_owned(), "tandem://chat?id=abc".to_owned()];
        let (second, received) = tokio::join!(claim(&id, &second_args), first.next());
        assert!(second.unwrap().is_none(), "the second start must quit");
        assert_eq!(received.unwrap(), second_args);
        // Another profile is its own instance.
        let other = claim(&format!("{id}x"), &[]).await.unwrap();
        assert!(other.is_some());
        // Once the first quits, the profile can be claimed again.
        drop(first);
        assert!(claim(&id, &[]).await.unwrap().is_some());
    }
}
