//! Split-view detection. Every text message carries marks of the device lists its sender used
//! (`tandem_proto::message::ListMarks`, inside the ciphertext). A receiver compares them with the
//! lists it holds: a sender who encrypted for an older list of this account, or who holds a
//! newer list of its own than the relay serves here, shows that the relay is showing different
//! parties different lists. The chat says so (once per pair of versions); nothing else changes,
//! since the relay can always withhold.

use tandem_proto::device_list::{ListMark, MarkCheck, check_mark};
use tandem_proto::ids::AccountId;
use tandem_proto::message::ListMarks;
use tandem_store::StoredMessage;

use crate::device::{Device, now_ms};
use crate::error::Result;

impl Device {
    /// The mark of the list held here for `account`, if any.
    fn held_mark(&self, account: &AccountId) -> Result<Option<ListMark>> {
        let held = self.state().store.device_list_unchecked(account)?;
        Ok(held.map(|(version, signed)| ListMark::of_version(&signed, version)))
    }

    /// Marks for a message: this account's list, and `recipient`'s (1:1), as held now.
    pub(crate) fn list_marks(&self, recipient: Option<&AccountId>) -> Option<ListMarks> {
        let (own, _, _) = self.whoami().ok()?;
        let sender = self.held_mark(&own).ok()??;
        let recipient = recipient.and_then(|r| self.held_mark(r).ok().flatten());
        Some(ListMarks { sender, recipient })
    }

    /// Checks the marks of a message `sender` sent in `chat_id` (`to_us`: a 1:1 message to this
    /// account, whose `recipient` mark names this account's list). Says what it found in the chat.
    pub(crate) async fn check_list_marks(&self, sender: &AccountId, chat_id: &str, marks: &ListMarks, to_us: bool) {
        if let Err(e) = self.compare_marks(sender, chat_id, marks, to_us).await {
            tracing::warn!(code = e.code(), "could not compare device-list marks: {e}");
        }
    }

    async fn compare_marks(&self, sender: &AccountId, chat_id: &str, marks: &ListMarks, to_us: bool) -> Result<()> {
        let (own, _, _) = self.whoami()?;
        if to_us && let (Some(theirs), Some(held)) = (&marks.recipient, self.held_mark(&own)?) {
            match check_mark(theirs, &held) {
                MarkCheck::TheyAreBehind => self.note_split(chat_id, "behind", theirs, &held, &format!(
                    "{sender} sent this for an older list of your devices (version {}; yours is {}). The relay may be showing them an old list, so a device you removed may have received it. Compare safety numbers with {sender}.",
                    theirs.version, held.version
                ))?,
                MarkCheck::Forked => self.note_split(chat_id, "forked", theirs, &held, &format!(
                    "{sender} sent this for a list of your devices that is not yours, under the same version {}. Two lists were signed under one version: check your linked devices.",
                    held.version
                ))?,
                MarkCheck::Same | MarkCheck::WeAreBehind => {}
            }
        }
        let Some(mut held) = self.held_mark(sender)? else { return Ok(()) };
        if check_mark(&marks.sender, &held) == MarkCheck::WeAreBehind {
            // Their list is newer than what the relay served here: ask again.
            match self.refresh_account(sender).await {
                Ok(_) => {}
                Err(e) if e.is_unreachable() => return Err(e),
                Err(e) => tracing::warn!(code = e.code(), "the newer device list was not served: {e}"),
            }
            held = self.held_mark(sender)?.unwrap_or(held);
        }
        match check_mark(&marks.sender, &held) {
            MarkCheck::WeAreBehind => self.note_split(chat_id, "hidden", &marks.sender, &held, &format!(
                "{sender}'s devices say their device list is at version {}, but the relay serves version {} here: it may be hiding a change of their devices.",
                marks.sender.version, held.version
            )),
            MarkCheck::Forked => self.note_split(chat_id, "forked-sender", &marks.sender, &held, &format!(
                "{sender}'s devices hold another device list than the one served here, under the same version {}: the relay may be showing different lists to different people.",
                held.version
            )),
            MarkCheck::Same | MarkCheck::TheyAreBehind => Ok(()),
        }
    }

    /// One event per kind and pair of lists (a second message with the same marks adds nothing).
    fn note_split(&self, chat_id: &str, kind: &str, theirs: &ListMark, held: &ListMark, text: &str) -> Result<()> {
        tracing::warn!(kind, "split view: {text}");
        let event = StoredMessage {
            chat_id: chat_id.to_owned(),
            message_id: format!(
                "split{kind}{}{}{}",
                theirs.version,
                held.version,
                &theirs.digest[..8.min(theirs.digest.len())]
            )
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect(),
            sender_account: chat_id.to_owned(),
            sender_device: 0,
            outgoing: false,
            body: text.to_owned(),
            sent_ms: now_ms(),
            state: "event".into(),
            attachment: None,
        };
        self.state().store.add_message(&event, now_ms())?;
        Ok(())
    }
}
