//! `tandem-cli seed-history`: deterministic demo history on the phone.

use std::path::Path;

use serde_json::json;
use tandem_client::SeedSpec;

use crate::output::Output;
use crate::phone::load;

pub struct Seed {
    pub chats: u32,
    pub messages: u32,
    pub days: u32,
    pub seed: u64,
}

pub fn run(home: &Path, seed: Seed, out: &Output) -> anyhow::Result<()> {
    anyhow::ensure!(
        seed.chats <= 100_000 && seed.messages <= 1_000_000,
        "at most 100000 chats and 1000000 messages each"
    );
    let device = load(home)?;
    let spec = SeedSpec { chats: seed.chats, messages_per_chat: seed.messages, days: seed.days, seed: seed.seed };
    let added = device.seed_history(spec)?;
    out.emit(
        || format!("added {added} message(s) in {} chat(s) over {} day(s)", seed.chats, seed.days),
        &json!({"event": "seeded", "messages": added, "chats": seed.chats}),
    );
    Ok(())
}
