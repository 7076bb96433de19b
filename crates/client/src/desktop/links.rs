//! `tandem://` links given to the running app (by the system's URL handler, or a second start
//! of the app): `tandem://chat?id=ID` opens the chat with a contact or a group this account is
//! in; someone new is only offered (the user starts the chat). A link that arrives before the
//! desktop is linked waits and is followed once it is. A link that cannot be followed is said in
//! the window (a notice), never acted on halfway.

use super::DesktopApp;
use super::view::ErrorView;

/// What a `tandem://` link asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// Open (or start) the chat with this account or group.
    Chat(String),
}

fn refused(message: &str) -> ErrorView {
    ErrorView { code: "invalid_link".into(), message: message.into() }
}

/// Reads a `tandem://` link. Only `tandem://chat?id=…` is for the desktop; a linking code
/// (`tandem://link?…`) is for a phone to scan.
pub fn parse_link(text: &str) -> Result<LinkTarget, ErrorView> {
    let url = url::Url::parse(text.trim())
        .map_err(|_| refused("this is not a Tandem link (it must start with tandem://)"))?;
    if url.scheme() != "tandem" {
        return Err(refused("this is not a Tandem link (it must start with tandem://)"));
    }
    match url.host_str() {
        Some("chat") => {
            let id = url.query_pairs().find(|(k, _)| k == "id").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
            if id.is_empty() || id.len() > 128 {
                return Err(refused("this chat link names no account or group (tandem://chat?id=…)"));
            }
            Ok(LinkTarget::Chat(id))
        }
        Some("link") => {
            Err(refused("this is a code for linking a new device: open Tandem on your phone and scan it there"))
        }
        _ => Err(refused("this Tandem link is not one this version understands; update Tandem")),
    }
}

/// Checks a web link from a message before the browser opens it: http or https only, no user
/// name or password in it, at most 2048 characters. Returns it as the browser should get it.
pub fn web_url(text: &str) -> Result<String, ErrorView> {
    let refused = |why: &str| ErrorView { code: "invalid_data".into(), message: why.into() };
    if text.len() > 2048 {
        return Err(refused("this link is too long to open"));
    }
    let url = url::Url::parse(text.trim()).map_err(|_| refused("this is not a web link"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(refused("only http and https links are opened"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("links with a user name or password in them are not opened"));
    }
    Ok(url.to_string())
}

/// Whether the window may go to `url`: only Tandem's own page (served by the app itself as
/// `tauri://localhost`, or `http(s)://tauri.localhost` on Windows). A link or a dropped file
/// never replaces the window; web links open in the browser after the user confirms.
pub fn stays_in_app(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The name one running instance of the app holds for a profile folder given on the command
/// line (a second start with the same folder hands its link over and quits): a D-Bus name on
/// Linux, a named pipe or socket on Windows and macOS ([`super::instance`]). The default
/// profile uses the app's identifier.
pub fn instance_id(profile_dir: &std::path::Path) -> String {
    // The caller passes the folder's canonical path (one folder, one name).
    let digest = tandem_proto::media::media_id(profile_dir.as_os_str().as_encoded_bytes());
    format!("dev.tandem.desktop.p{}", &digest[..16])
}

impl DesktopApp {
    /// Follows a `tandem://` link: now if linked, else once linked. Its failure is shown as
    /// the window's notice.
    pub async fn open_link(&self, text: &str) {
        let result = match parse_link(text) {
            Ok(LinkTarget::Chat(id)) => {
                if self.linked_device().await.is_err() {
                    *self.pending_link.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.to_owned());
                    return;
                }
                self.open_chat_link(&id).await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(code = %e.code, "a tandem:// link was not followed");
            self.set_notice(Some(e)).await;
        }
    }

    async fn open_chat_link(&self, id: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        let groups = device.groups().map_err(|e| ErrorView::from(&e))?;
        if tandem_proto::group::GroupId::is_group(id) {
            if !groups.iter().any(|g| g.group_id == id && g.member) {
                return Err(ErrorView {
                    code: "not_found".into(),
                    message: "the link names a group you are not in on this account".into(),
                });
            }
            return self.open_chat(id).await;
        }
        let account = tandem_proto::ids::AccountId::parse(id)
            .map_err(|e| ErrorView::from(&crate::error::ClientError::from(e)))?;
        let known = device.contacts().map_err(|e| ErrorView::from(&e))?.iter().any(|c| c == account.as_str())
            || device.chat_list().map_err(|e| ErrorView::from(&e))?.iter().any(|c| c.chat_id == account.as_str());
        if known {
            return self.open_chat(account.as_str()).await;
        }
        // Someone new: a link (from any web page) does not start a chat by itself. The window
        // offers it; the user starts it.
        *self.suggested_chat.lock().unwrap_or_else(|p| p.into_inner()) = Some(account.to_string());
        self.refresh_linked(&device);
        Ok(())
    }

    /// The link that arrived before linking, if any (taken: it is followed once).
    pub(super) fn take_pending_link(&self) -> Option<String> {
        self.pending_link.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Shows (or clears) the window's notice; clearing it also drops a suggested chat.
    pub async fn set_notice(&self, notice: Option<ErrorView>) {
        if notice.is_none() {
            *self.suggested_chat.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        *self.notice.lock().unwrap_or_else(|p| p.into_inner()) = notice;
        if let Ok(device) = self.linked_device().await {
            self.refresh_linked(&device);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_read_strictly() {
        assert_eq!(parse_link("tandem://chat?id=abc").unwrap(), LinkTarget::Chat("abc".into()));
        assert_eq!(parse_link("tandem://link?v=1&ref=x").unwrap_err().code, "invalid_link");
        assert!(parse_link("https://chat?id=abc").is_err());
        assert!(parse_link("tandem://chat").is_err());
        assert!(parse_link("tandem://chat?id=").is_err());
        assert!(parse_link(&format!("tandem://chat?id={}", "a".repeat(200))).is_err());
        assert!(parse_link("tandem://settings").is_err());
        assert!(parse_link("not a url").is_err());
    }

    #[test]
    fn the_window_stays_on_tandem_s_own_page() {
        let ok = |s: &str| stays_in_app(&url::Url::parse(s).unwrap());
        assert!(ok("tauri://localhost/") && ok("tauri://localhost/index.html") && ok("http://tauri.localhost/"));
        for other in [
            "https://example.org/",
            "file:///etc/passwd",
            "tauri://evil/",
            "https://tauri.localhost.evil/",
            "data:text/html,x",
        ] {
            assert!(!ok(other), "{other}");
        }
    }

    #[test]
    fn only_plain_web_links_open() {
        assert_eq!(web_url("https://example.org/a?b=1").unwrap(), "https://example.org/a?b=1");
        assert!(web_url("http://example.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "tandem://chat?id=x",
            "https://user:pw@example.org",
            "data:text/html,x",
        ] {
            assert!(web_url(bad).is_err(), "{bad}");
        }
    }
}
