//! tandem-cli: the headless Tandem client. As the primary device it plays the phone (create an
//! account, link companions); as a companion it links to a phone. It uses only the public
//! `tandem-client` API, exactly as a phone app would.

mod chat;
mod chats;
mod companion;
mod group;
mod lifecycle;
mod link;
mod media;
mod output;
mod phone;
mod requests;
mod seed;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tandem-cli", version, about = "The headless Tandem client: a phone (primary) or a linked companion")]
struct Cli {
    /// This device's folder (keys, database). Keys are kept in an owner-only file inside it.
    #[arg(long, global = true, env = "TANDEM_HOME", default_value = ".tandem")]
    home: PathBuf,
    /// Machine-readable output: one JSON object per line.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new account with this device as its primary (the phone); prints the account id.
    Init {
        #[arg(long, env = "TANDEM_RELAY")]
        relay: String,
        #[arg(long)]
        name: String,
    },
    /// As the primary: link a companion from its link text or a PNG of its QR code.
    Link {
        /// The companion's link text (tandem://link?...); read from standard input if omitted.
        uri: Option<String>,
        /// Read the QR code from this PNG image instead.
        #[arg(long, conflicts_with = "uri")]
        image: Option<PathBuf>,
        /// Approve without asking (for scripts).
        #[arg(long)]
        yes: bool,
        /// Send at most this many days of history (the companion asks for a range; 0: no cap).
        #[arg(long)]
        history_days: Option<u64>,
    },
    /// Become a companion: print link text and a QR code, wait until a phone links this device.
    Companion {
        #[arg(long, env = "TANDEM_RELAY")]
        relay: String,
        #[arg(long)]
        name: String,
        /// How much history to ask the phone for, in days (0: everything; the phone may send less).
        #[arg(long, default_value_t = tandem_client::DEFAULT_HISTORY_DAYS)]
        history_days: u32,
    },
    /// List the account's devices from the verified signed device list.
    Devices,
    /// As the phone: log a companion out (it wipes itself at once); DEVICE is its id in `devices`.
    Unlink {
        device: u32,
    },
    /// As a companion: log this device out and wipe it.
    Logout,
    /// Message requests: chats from accounts that are not contacts (they get no receipts).
    Requests,
    /// Accept a message request (the account becomes a contact on all of this account's devices).
    Accept {
        account: String,
    },
    /// Block an account on all of this account's devices; the relay keeps nothing from it for you.
    Block {
        account: String,
    },
    Unblock {
        account: String,
    },
    /// The accounts you blocked.
    Blocked,
    /// As a locked companion (the relay said "logged out" without proof): replace this device's
    /// identity to link it again, keeping its messages; then run `companion`.
    Relink,
    /// Stay online (connected, answering the relay) until interrupted.
    Run,
    /// Show account, role, this device and whether the relay is reachable.
    Status,
    /// Contacts: `contacts add ACCOUNT` (verifies its devices), `contacts` lists them.
    Contacts {
        #[command(subcommand)]
        action: Option<ContactsAction>,
    },
    /// Send a text message to an account or a group (every device of every member, and this
    /// account's other devices).
    Send {
        #[arg(long)]
        to: String,
        /// The text (with --image: its caption; may be empty).
        text: String,
        /// A photo to send with it (PNG or JPEG, at most 5 MiB).
        #[arg(long)]
        image: Option<std::path::PathBuf>,
    },
    /// Send queued messages, then fetch, decrypt and store new ones and print them.
    Sync,
    /// Mark a chat's messages as read here; the sender and this account's devices are told.
    Read {
        #[arg(long)]
        chat: String,
    },
    /// The safety number with a contact (compare it with theirs; it covers every device of both).
    SafetyNumber {
        account: String,
    },
    /// As the phone: fill this device with deterministic demo history (for demos and benchmarks).
    SeedHistory {
        #[arg(long, default_value_t = 5)]
        chats: u32,
        #[arg(long, default_value_t = 50)]
        messages: u32,
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Search this device's messages: every word must appear; `word*` matches a prefix.
    Search {
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Chats with their synced settings (archived, pinned, muted) and unread counts.
    Chats,
    /// The profile name, the same on all of the account's devices; `--set NAME` changes it.
    Profile {
        #[arg(long)]
        set: Option<String>,
    },
    /// Ask this account's other devices (the phone, or a sibling) for a chat's older messages;
    /// they arrive with the next `sync` or `run`.
    Older {
        chat: String,
        #[arg(long, default_value_t = tandem_client::OLDER_PAGE)]
        limit: u32,
    },
    /// Change a chat's synced settings on every device of the account.
    Chat {
        #[command(subcommand)]
        action: ChatCommand,
    },
    /// An image's full file: `media fetch ID` asks the account's other devices for it,
    /// `media save ID --out FILE` writes it once it is here.
    Media {
        #[command(subcommand)]
        action: MediaAction,
    },
    /// Groups: `group create NAME --members A,B`, `group add|remove GROUP ACCOUNT...`, `group list`.
    Group {
        #[command(subcommand)]
        action: GroupAction,
    },
    /// Print a chat's messages in order (a chat is named by the other account's id, or a group id).
    Messages {
        #[arg(long)]
        chat: String,
    },
}

#[derive(Subcommand)]
enum ChatCommand {
    Archive {
        chat: String,
    },
    Unarchive {
        chat: String,
    },
    Pin {
        chat: String,
    },
    Unpin {
        chat: String,
    },
    /// Mute notifications, for `--hours N` or until unmuted.
    Mute {
        chat: String,
        #[arg(long)]
        hours: Option<u64>,
    },
    Unmute {
        chat: String,
    },
    /// Mark the chat read here and on the account's other devices (and tell the sender).
    Read {
        chat: String,
    },
    /// Mark the chat unread on all of the account's devices (reading it clears the mark).
    Unread {
        chat: String,
    },
}

#[derive(Subcommand)]
enum MediaAction {
    Fetch {
        media_id: String,
    },
    Save {
        media_id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum GroupAction {
    /// Create a group with this account as its admin; prints the group id.
    Create {
        name: String,
        /// Member account ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// Add members (the group's admin only).
    Add { group: String, accounts: Vec<String> },
    /// Remove members (the group's admin only); they cannot read what is sent afterwards.
    Remove { group: String, accounts: Vec<String> },
    /// The groups this device knows, with their members.
    List,
}

#[derive(Subcommand)]
enum ContactsAction {
    /// Add a contact by account id.
    Add { account: String },
    /// Set the name this account shows for a contact (synced to all of its devices).
    Name { account: String, name: String },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let out = output::Output::new(cli.json);
    let result = runtime.block_on(async {
        match cli.command {
            Command::Init { relay, name } => phone::init(&cli.home, &relay, &name, &out).await,
            Command::Link { uri, image, yes, history_days } => {
                link::run(&cli.home, uri, image, yes, history_days, &out).await
            }
            Command::Companion { relay, name, history_days } => {
                companion::run(&cli.home, &relay, &name, history_days, &out).await
            }
            Command::Devices => phone::devices(&cli.home, &out).await,
            Command::Unlink { device } => lifecycle::unlink(&cli.home, device, &out).await,
            Command::Logout => lifecycle::log_out(&cli.home, &out).await,
            Command::Relink => lifecycle::relink(&cli.home, &out),
            Command::Requests => requests::list(&cli.home, &out).await,
            Command::Accept { account } => requests::accept(&cli.home, &account, &out).await,
            Command::Block { account } => requests::block(&cli.home, &account, true, &out).await,
            Command::Unblock { account } => requests::block(&cli.home, &account, false, &out).await,
            Command::Blocked => requests::blocked(&cli.home, &out).await,
            Command::Run => phone::run(&cli.home, &out).await,
            Command::Status => phone::status(&cli.home, &out).await,
            Command::Contacts { action: Some(ContactsAction::Add { account }) } => {
                chat::contacts_add(&cli.home, &account, &out).await
            }
            Command::Contacts { action: Some(ContactsAction::Name { account, name }) } => {
                chats::contact_name(&cli.home, &account, &name, &out).await
            }
            Command::Chats => chats::list(&cli.home, &out).await,
            Command::Search { query, limit } => chats::search(&cli.home, &query, limit, &out),
            Command::Profile { set } => chats::profile(&cli.home, set.as_deref(), &out).await,
            Command::Older { chat, limit } => chats::older(&cli.home, &chat, limit, &out).await,
            Command::SeedHistory { chats, messages, days, seed } => {
                seed::run(&cli.home, seed::Seed { chats, messages, days, seed }, &out)
            }
            Command::Chat { action } => chats::change(&cli.home, action, &out).await,
            Command::Contacts { action: None } => chat::contacts_list(&cli.home, &out).await,
            Command::Send { to, text, image } => chat::send(&cli.home, &to, &text, image.as_deref(), &out).await,
            Command::Sync => chat::sync(&cli.home, &out).await,
            Command::Media { action: MediaAction::Fetch { media_id } } => {
                media::fetch(&cli.home, &media_id, &out).await
            }
            Command::Media { action: MediaAction::Save { media_id, out: to } } => {
                media::save(&cli.home, &media_id, &to, &out)
            }
            Command::Group { action } => match action {
                GroupAction::Create { name, members } => group::create(&cli.home, &name, &members, &out).await,
                GroupAction::Add { group, accounts } => group::change(&cli.home, &group, &accounts, true, &out).await,
                GroupAction::Remove { group, accounts } => {
                    group::change(&cli.home, &group, &accounts, false, &out).await
                }
                GroupAction::List => group::list(&cli.home, &out),
            },
            Command::Messages { chat } => chat::messages(&cli.home, &chat, &out).await,
            Command::Read { chat } => chat::read(&cli.home, &chat, &out).await,
            Command::SafetyNumber { account } => chat::safety_number(&cli.home, &account, &out).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            std::process::ExitCode::FAILURE
        }
    }
}
