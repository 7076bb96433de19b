//! The window's side of message requests, blocking and the Locked screen.

use super::{DesktopApp, ErrorView, Screen};

impl DesktopApp {
    /// Accepts the request of `account` (receipts go out; the chat becomes a normal one).
    pub async fn accept_request(&self, account: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        device.accept_request(account).await.map_err(|e| ErrorView::from(&e))?;
        self.refresh_linked(&device);
        Ok(())
    }

    /// Blocks `account` on every device of this account and at the relay.
    pub async fn block(&self, account: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        device.block(account).await.map_err(|e| ErrorView::from(&e))?;
        self.refresh_linked(&device);
        Ok(())
    }

    pub async fn unblock(&self, account: &str) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        device.unblock(account).await.map_err(|e| ErrorView::from(&e))?;
        self.refresh_linked(&device);
        Ok(())
    }

    /// Locked screen → "Link again": the device identity is replaced (messages kept, so only
    /// what was missed is fetched from the phone) and the linking screen follows.
    pub async fn relink_locked(&self) -> Result<(), ErrorView> {
        let device = self.linked_device().await?;
        device.relink_locked().map_err(|e| ErrorView::from(&e))?;
        self.relink.notify_one();
        Ok(())
    }

    /// "Link this computer again" after the database key was lost from the keychain: the
    /// unreadable database is deleted and linking starts. Refused unless the window shows that
    /// loss (nothing else deletes data this way).
    pub fn relink_after_key_loss(&self) -> Result<(), ErrorView> {
        let lost = {
            let v = self.view.borrow();
            v.screen == Screen::Fatal && v.error.as_ref().is_some_and(|e| e.code == "key_missing")
        };
        if !lost {
            return Err(ErrorView {
                code: "not_applicable".into(),
                message: "this computer's data is readable: there is nothing to start again".into(),
            });
        }
        self.key_lost.notify_one();
        Ok(())
    }

    /// Locked screen → "Keep my data for now": the chats stay readable, offline; a slim bar
    /// keeps offering to link again.
    pub fn keep_locked_data(&self) {
        self.update(|v| {
            if v.locked.is_some() && v.linked.is_some() {
                v.screen = Screen::Linked;
            }
        });
    }
}
