//! Driving the real tandem-desktop window: tauri-driver (WebDriver) in front of WebKitWebDriver,
//! under the X display the test runs in (Xvfb in CI).

use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::bin;
use crate::process::Running;

pub const UI_STEP: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port()
}

/// A tauri-driver process.
pub struct Driver {
    pub port: u16,
    process: Running,
    /// The command lines of the windows launched, to stop any left running.
    launched: std::sync::Mutex<Vec<Vec<String>>>,
}

impl Driver {
    pub fn start() -> Driver {
        let tauri_driver = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let port = free_port();
        let mut cmd = Command::new(&tauri_driver);
        cmd.args(["--port", &port.to_string(), "--native-port", &free_port().to_string()]);
        let process = Running::spawn("tauri-driver", cmd);
        Driver { port, process, launched: Default::default() }
    }

    /// Starts tandem-desktop with `args` in a new WebDriver session. tauri-driver takes a moment
    /// to listen: the session is retried until it answers (bounded), not slept for.
    pub async fn launch(&self, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        // TANDEM_DESKTOP_BIN: test an installed binary (scripts/package-check) instead of the build.
        let app = std::env::var_os("TANDEM_DESKTOP_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| bin("tandem-desktop"));
        caps.insert("tauri:options".into(), json!({ "application": app, "args": args }));
        self.launched.lock().unwrap_or_else(|p| p.into_inner()).push(args.iter().map(|a| a.to_string()).collect());
        let url = format!("http://127.0.0.1:{}", self.port);
        let deadline = Instant::now() + UI_STEP;
        loop {
            let mut builder = ClientBuilder::native();
            // A session request waits for the window to start: bounded too, so a window that
            // never comes up fails the test (with its programs' output) instead of hanging it.
            let left = deadline.saturating_duration_since(Instant::now());
            let session = tokio::time::timeout(left, builder.capabilities(caps.clone()).connect(&url)).await;
            let session = session.unwrap_or_else(|_| {
                panic!("no window within {UI_STEP:?}; tauri-driver said: {}", self.process.stderr())
            });
            match session {
                Ok(client) => return client,
                Err(e) if Instant::now() < deadline => {
                    tracing_free_note(&format!("tauri-driver not ready yet: {e}"));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    panic!("no WebDriver session within {UI_STEP:?}: {e}; tauri-driver said: {}", self.process.stderr())
                }
            }
        }
    }

    pub fn stderr(&self) -> String {
        self.process.stderr()
    }

    /// Waits until no window this driver launched is still running. A WebDriver close returns
    /// before the app has quit; a start meanwhile finds the old one still holding the profile's
    /// single-instance name, hands its arguments over and quits (or fails, if the old one goes
    /// before it answers). No event tells another process's exit, so this is a bounded poll.
    pub async fn wait_windows_gone(&self) {
        let launched = self.launched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        poll_until("the closed window's process to quit", || async {
            let running = windows_running(&launched);
            if running.is_empty() { Ok(()) } else { Err(format!("still running: {running:?}")) }
        })
        .await
    }
}

/// Starts tandem-desktop a second time with `args` (the running window's profile) and a
/// tandem:// `link`, as the system's URL handler would; returns how it exited (it should hand
/// the link to the running window and quit).
pub fn hand_over_link(args: &[&str], link: &str) -> std::process::ExitStatus {
    let app =
        std::env::var_os("TANDEM_DESKTOP_BIN").map(std::path::PathBuf::from).unwrap_or_else(|| bin("tandem-desktop"));
    let mut cmd = Command::new(app);
    cmd.args(args).arg(link);
    Running::spawn("tandem-desktop (second start)", cmd).wait_exit(UI_STEP)
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, so tauri-driver also stops WebKitWebDriver (SIGKILL would leave it running).
        self.process.terminate(Duration::from_secs(10));
        // A test that failed never closed its window, and WebKitWebDriver leaves it running:
        // it would sit on the display (and the tray) through the next test.
        let launched = self.launched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for pid in windows_running(&launched) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Processes of tandem-desktop started with one of the argument lists in `launched`.
fn windows_running(launched: &[Vec<String>]) -> Vec<u32> {
    let Ok(procs) = std::fs::read_dir("/proc") else { return Vec::new() };
    procs
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let argv: Vec<String> = cmdline
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let (program, args) = argv.split_first()?;
            (program.ends_with("tandem-desktop")
                && launched.iter().any(|l| args.windows(l.len()).any(|w| w == l.as_slice())))
            .then_some(pid)
        })
        .collect()
}

fn tracing_free_note(text: &str) {
    if std::env::var_os("TANDEM_TEST_VERBOSE").is_some() {
        eprintln!("{text}");
    }
}

/// Waits for an element with `data-testid` = `id`. WebDriver has no "element appeared" event, so
/// this is a bounded poll; errors while the page is still loading count as "not yet".
pub async fn wait_testid(client: &Client, id: &str) -> fantoccini::elements::Element {
    let css = format!("[data-testid=\"{id}\"]");
    let deadline = Instant::now() + UI_STEP;
    loop {
        match client.find(Locator::Css(&css)).await {
            Ok(element) => return element,
            Err(e) if Instant::now() < deadline => {
                tracing_free_note(&format!("waiting for {css}: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => {
                let artefact = crate::artifacts_dir().join(format!("timeout-{id}"));
                if let Ok(png) = client.screenshot().await {
                    let _ = std::fs::write(artefact.with_extension("png"), png);
                }
                if let Ok(html) = client.source().await {
                    let _ = std::fs::write(artefact.with_extension("html"), html);
                }
                panic!(
                    "no element {css} within {UI_STEP:?}: {e} (screenshot and page source in {})",
                    artefact.display()
                )
            }
        }
    }
}

/// The text (or, for form fields, the value) of the element with `data-testid` = `id`, once it
/// exists. The UI re-renders on every view change, so a found element can go stale before it is
/// read: then it is looked up again.
pub async fn testid_text(client: &Client, id: &str) -> String {
    let deadline = Instant::now() + UI_STEP;
    loop {
        let element = wait_testid(client, id).await;
        let read = match element.prop("value").await {
            Ok(Some(value)) if !value.is_empty() => Ok(value),
            Ok(_) => element.text().await,
            Err(e) => Err(e),
        };
        match read {
            Ok(text) => return text,
            Err(e) if Instant::now() < deadline => tracing_free_note(&format!("re-reading {id}: {e}")),
            Err(e) => panic!("cannot read [data-testid={id}]: {e}"),
        }
    }
}

/// Polls `check` until it yields a value, for at most [`UI_STEP`]: for conditions that no event
/// announces (WebDriver has none, nor does another process's store). `what` names the condition
/// in the failure message, with the last state `check` reported.
pub async fn poll_until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + UI_STEP;
    loop {
        match check().await {
            Ok(value) => return value,
            Err(last) if Instant::now() < deadline => {
                tracing_free_note(&format!("waiting for {what}: {last}"));
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            Err(last) => panic!("{what}: not within {UI_STEP:?}; last seen: {last}"),
        }
    }
}

/// Types `text` into the element with `data-testid` = `id`; looked up again if a re-render
/// replaced it between finding and typing (bounded).
pub async fn type_testid(client: &Client, id: &str, text: &str) {
    poll_until(&format!("typing into [data-testid={id}]"), || async {
        wait_testid(client, id).await.send_keys(text).await.map_err(|e| e.to_string())
    })
    .await
}

/// Clicks the element with `data-testid` = `id`, looked up again if a re-render replaced it.
pub async fn click_testid(client: &Client, id: &str) {
    poll_until(&format!("clicking [data-testid={id}]"), || async {
        wait_testid(client, id).await.click().await.map_err(|e| e.to_string())
    })
    .await
}

/// Waits until no element with `data-testid` = `id` is on the page.
pub async fn wait_gone(client: &Client, id: &str) {
    poll_until(&format!("[data-testid={id}] to go"), || async {
        if all_testid(client, id).await.is_empty() { Ok(()) } else { Err("still shown".to_owned()) }
    })
    .await
}

/// Waits until the element's text contains `needle` (the view updates as events arrive).
pub async fn wait_for_text(client: &Client, id: &str, needle: &str) {
    poll_until(&format!("[data-testid={id}] to show {needle:?}"), || async {
        let text = testid_text(client, id).await;
        if text.contains(needle) { Ok(()) } else { Err(text) }
    })
    .await
}

/// The id of the chat open in the window (the conversation's `data-chat-id`: the header shows
/// the contact's name or a short id, never the whole id).
pub async fn open_chat_id(client: &Client) -> String {
    poll_until("the open conversation's chat id", || async {
        let conv = client.find(Locator::Css("[data-testid=\"conversation\"]")).await.map_err(|e| e.to_string())?;
        conv.attr("data-chat-id").await.map_err(|e| e.to_string())?.ok_or_else(|| "no data-chat-id".to_owned())
    })
    .await
}

/// Waits until the chat open in the window is `chat_id`.
pub async fn wait_open_chat(client: &Client, chat_id: &str) {
    poll_until(&format!("chat {chat_id} open"), || async {
        let open = open_chat_id(client).await;
        if open == chat_id { Ok(()) } else { Err(open) }
    })
    .await
}

/// Every element with `data-testid` = `id`. A re-render while WebDriver collects them makes the
/// answer stale: then they are looked up again (bounded).
pub async fn all_testid(client: &Client, id: &str) -> Vec<fantoccini::elements::Element> {
    poll_until(&format!("every [data-testid={id}]"), || async {
        client.find_all(Locator::Css(&format!("[data-testid=\"{id}\"]"))).await.map_err(|e| e.to_string())
    })
    .await
}

/// Saves a screenshot as a test artefact and returns the PNG.
pub async fn screenshot(client: &Client, name: &str) -> Vec<u8> {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(crate::artifacts_dir().join(format!("{name}.png")), &png).expect("write screenshot");
    png
}

/// The titles of tandem-desktop's native windows on the test's X display, as a taskbar shows
/// them (read with xwininfo: WebDriver only sees the page's `document.title`).
pub fn native_window_titles() -> Vec<String> {
    let out = Command::new("xwininfo").args(["-root", "-tree"]).output().expect("xwininfo (x11-utils, scripts/setup)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(\"tandem-desktop\" "))
        .filter_map(|l| {
            let start = l.find('"')? + 1;
            let end = start + l[start..].find("\": (")?;
            Some(l[start..end].to_owned())
        })
        .collect()
}

/// axe-core's findings on the window as it is now: WCAG 2.1 A/AA and best practice, colour
/// contrast included (the component tests cannot check it: jsdom paints nothing). axe-core comes
/// from the UI's npm packages and is handed to the page by WebDriver, never bundled with the app.
/// Panics if axe-core checked nothing (so an empty list means something).
pub async fn axe_violations(client: &Client) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (npm ci in ui/)", path.display()));
    let run = "const done = arguments[arguments.length - 1];\n\
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];\n\
        const line = (v, n) => v.id + ': ' + v.help + ' (' + n.failureSummary + ') ' + n.html.slice(0, 200);\n\
        axe.run(document.getElementById('app'), { runOnly: { type: 'tag', values: tags }, rules: { 'label-content-name-mismatch': { enabled: true } } })\n\
          .then((r) => done({ passed: r.passes.length, found: r.violations.flatMap((v) => v.nodes.map((n) => line(v, n))) }))\n\
          .catch((e) => done({ passed: 0, found: ['axe-core failed: ' + e] }));";
    let out = client.execute_async(&format!("{axe}\n;{run}"), vec![]).await.expect("run axe-core in the window");
    let found: Vec<String> = serde_json::from_value(out["found"].clone()).expect("axe-core's findings");
    let passed = out["passed"].as_u64().unwrap_or(0);
    assert!(passed >= 10 || !found.is_empty(), "axe-core checked almost nothing ({passed} rules passed): {out}");
    tracing_free_note(&format!("axe-core: {passed} rules passed, {} findings", found.len()));
    found
}
