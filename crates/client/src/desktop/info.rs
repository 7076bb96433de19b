//! The contact and group info panel: who is in a chat, on which devices, and the safety number
//! to compare with a contact. Each call checks the contact's devices afresh at the relay.

use serde::Serialize;

use super::DesktopApp;
use super::view::ErrorView;
use crate::devices::DeviceSummary;

/// A group member, as the info panel lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupMember {
    pub account_id: String,
    /// The member who signs the group's membership.
    pub admin: bool,
    /// This account.
    pub you: bool,
}

/// What the info panel of a chat shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChatInfo {
    pub chat_id: String,
    /// The group's name (`None` for a one-to-one chat).
    pub title: Option<String>,
    pub group: bool,
    /// One-to-one chats: 60 digits in 12 groups of 5, over both accounts' keys and all their
    /// devices (it changes when either side adds a device).
    pub safety_number: Option<String>,
    /// One-to-one chats: the contact's devices, from their signed device list.
    pub devices: Vec<DeviceSummary>,
    /// Groups: the members, the admin first.
    pub members: Vec<GroupMember>,
}

impl DesktopApp {
    /// The info panel of a chat. Errors: not_found (no such chat), relay_unreachable (the
    /// contact's devices could not be checked), bad_signature.
    pub async fn chat_info(&self, chat_id: &str) -> Result<ChatInfo, ErrorView> {
        let device = self.linked_device().await?;
        let chat_id = chat_id.trim();
        let groups = device.groups().map_err(|e| ErrorView::from(&e))?;
        if let Some(group) = groups.into_iter().find(|g| g.group_id == chat_id) {
            let (own, _, _) = device.whoami().map_err(|e| ErrorView::from(&e))?;
            let mut members: Vec<GroupMember> = group
                .members
                .iter()
                .map(|m| GroupMember { account_id: m.clone(), admin: *m == group.admin, you: *m == own.as_str() })
                .collect();
            members.sort_by_key(|m| !m.admin);
            return Ok(ChatInfo {
                chat_id: chat_id.to_owned(),
                title: Some(group.name),
                group: true,
                safety_number: None,
                devices: Vec::new(),
                members,
            });
        }
        let (safety_number, devices) = device.contact_details(chat_id).await.map_err(|e| ErrorView::from(&e))?;
        Ok(ChatInfo {
            chat_id: chat_id.to_owned(),
            title: None,
            group: false,
            safety_number: Some(safety_number),
            devices,
            members: Vec::new(),
        })
    }
}
