//! Deterministic demo history for a phone (`tandem-cli seed-history`): chats with made-up
//! contacts, groups of them (this account is their admin), messages of varied length (some
//! photos) spread over a number of days. The same seed gives the same history, so demos and
//! benchmarks are repeatable.

use tandem_proto::ids::{AccountId, PRIMARY_DEVICE_ID};
use tandem_store::StoredMessage;

use crate::device::{Device, now_ms};
use crate::error::{ClientError, Result};

/// What to make.
#[derive(Clone, Copy, Debug)]
pub struct SeedSpec {
    pub chats: u32,
    pub messages_per_chat: u32,
    pub days: u32,
    pub seed: u64,
}

const WORDS: &[&str] = &[
    "hey",
    "are",
    "we",
    "still",
    "on",
    "for",
    "tonight",
    "the",
    "train",
    "is",
    "late",
    "again",
    "bring",
    "snacks",
    "climbing",
    "saturday",
    "sounds",
    "good",
    "see",
    "you",
    "at",
    "eight",
    "did",
    "you",
    "read",
    "that",
    "article",
    "about",
    "sourdough",
    "starters",
    "lol",
    "call",
    "me",
    "when",
    "you",
    "land",
    "happy",
    "birthday",
    "🎉",
    "مرحبا",
    "thanks",
    "for",
    "dinner",
    "next",
    "week",
    "works",
    "for",
    "me",
    "coffee",
];

const GROUP_NAMES: &[&str] = &["Climbing", "Book club", "Family 🏡", "Saturday football", "Sourdough nerds"];

/// xorshift64*: the sequence depends only on the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// The demo contacts and messages for `spec`, as `own` would hold them at `now_ms` (pure: the
/// same arguments give the same history).
pub fn demo_history(spec: SeedSpec, own: &AccountId, now_ms: u64) -> (Vec<AccountId>, Vec<StoredMessage>) {
    let mut rng = Rng(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let span = u64::from(spec.days.max(1)) * 24 * 3600 * 1000;
    let step = span / u64::from(spec.messages_per_chat.max(1));
    let mut contacts = Vec::new();
    let mut messages = Vec::new();
    for chat in 0..spec.chats {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&spec.seed.to_le_bytes());
        key[8..12].copy_from_slice(&chat.to_le_bytes());
        let contact = AccountId::from_account_key(&key);
        for i in 0..spec.messages_per_chat {
            let longest = if rng.below(10) == 0 { 60 } else { 12 };
            let words = 1 + rng.below(longest);
            let body: Vec<&str> = (0..words).map(|_| WORDS[rng.below(WORDS.len() as u64) as usize]).collect();
            let outgoing = rng.below(2) == 0;
            messages.push(StoredMessage {
                chat_id: contact.to_string(),
                message_id: format!("seed{:x}c{chat}m{i}", spec.seed),
                sender_account: if outgoing { own.to_string() } else { contact.to_string() },
                sender_device: 0,
                outgoing,
                body: body.join(" "),
                sent_ms: now_ms - span + u64::from(i) * step + rng.below(step.max(1)),
                state: "read".into(),
                attachment: None,
            });
        }
        contacts.push(contact);
    }
    (contacts, messages)
}

/// One message in [`PICTURE_EVERY`] is a photo (one of [`DEMO_PICTURES`] pictures).
const PICTURE_EVERY: usize = 61;
const DEMO_PICTURES: usize = 8;

/// Turns some seeded messages into photos; returns the picture files.
fn add_demo_pictures(messages: &mut [StoredMessage]) -> Result<Vec<tandem_store::MediaRow>> {
    let mut made: Vec<Option<(tandem_proto::media::Attachment, tandem_store::MediaRow)>> = vec![None; DEMO_PICTURES];
    for (i, m) in messages.iter_mut().enumerate().filter(|(i, _)| i % PICTURE_EVERY == 13) {
        let slot = &mut made[(i / PICTURE_EVERY) % DEMO_PICTURES];
        if slot.is_none() {
            *slot = Some(crate::media::image_attachment(&crate::media::demo_image((i / PICTURE_EVERY) as u64)?)?);
        }
        if let Some((attachment, _)) = slot {
            m.attachment = Some(attachment.clone());
            m.body = format!("📷 {}", m.body);
        }
    }
    Ok(made.into_iter().flatten().map(|(_, file)| file).collect())
}

impl Device {
    /// As the phone: adds demo history (contacts and messages) to this device. Returns how many
    /// messages were added.
    pub fn seed_history(&self, spec: SeedSpec) -> Result<usize> {
        let (own, own_device, _) = self.whoami()?;
        if own_device != PRIMARY_DEVICE_ID {
            return Err(ClientError::NotPrimary);
        }
        let now = now_ms();
        let (contacts, mut messages) = demo_history(spec, &own, now);
        self.seed_groups(spec, &own, &contacts, &mut messages, now)?;
        let pictures = add_demo_pictures(&mut messages)?;
        for contact in &contacts {
            self.state().store.add_contact(contact, now)?;
        }
        for picture in &pictures {
            self.state().store.save_media(picture, now)?;
        }
        Ok(self.state().store.add_messages(&messages, now)?)
    }

    /// One group per 5 chats (at least one from 3 chats on), signed by this phone as admin, with
    /// three of the contacts; a fifth of each member chat's messages are moved into its group.
    fn seed_groups(
        &self,
        spec: SeedSpec,
        own: &AccountId,
        contacts: &[AccountId],
        messages: &mut [StoredMessage],
        now: u64,
    ) -> Result<()> {
        let groups = if spec.chats >= 3 { (spec.chats / 5).max(1) } else { 0 };
        let own_device = self.whoami()?.1;
        for g in 0..groups {
            let start = (g * 5) as usize % contacts.len();
            let members: Vec<AccountId> =
                (0..3).map(|k| contacts[(start + k) % contacts.len()].clone()).chain([own.clone()]).collect();
            let mut nonce = [0u8; 16];
            nonce[..8].copy_from_slice(&spec.seed.to_le_bytes());
            nonce[8..12].copy_from_slice(&g.to_le_bytes());
            let name = GROUP_NAMES[g as usize % GROUP_NAMES.len()];
            let state = tandem_proto::group::GroupState::create(own, nonce, name, &members, now)?;
            let signed = state.sign(&self.state().account, own_device)?;
            let json = serde_json::to_string(&signed).map_err(ClientError::internal)?;
            let update = tandem_store::GroupStateUpdate { state: &state, signed: &json };
            self.state().store.put_group(&update, now)?;
            let in_group: Vec<String> = members.iter().map(|m| m.to_string()).collect();
            for (i, m) in messages.iter_mut().enumerate().filter(|(_, m)| in_group[..3].contains(&m.chat_id)) {
                if i % 5 == 0 {
                    m.chat_id = state.group_id.to_string();
                }
            }
        }
        Ok(())
    }

    /// Messages held (not counting events and placeholders).
    pub fn message_count(&self) -> Result<u64> {
        Ok(self.state().store.message_count()?)
    }
}
