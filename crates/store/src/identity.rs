//! This device's own identity row.

use rusqlite::{OptionalExtension, params};
use tandem_proto::ids::{AccountId, DeviceId};

use crate::{Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The phone: holds the account key.
    Primary,
    /// A linked device.
    Companion,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Companion => "companion",
        }
    }
}

#[derive(Clone)]
pub struct LocalIdentity {
    pub role: Role,
    pub name: String,
    pub relay_url: String,
    /// The vodozemac account pickle (private keys). Never logged.
    pub account_pickle: String,
    pub account_id: Option<AccountId>,
    pub account_key: Option<[u8; 32]>,
    pub device_id: Option<DeviceId>,
    pub key_index: Option<u32>,
    pub linked_at_ms: Option<u64>,
    pub created_ms: u64,
}

impl std::fmt::Debug for LocalIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalIdentity")
            .field("role", &self.role)
            .field("account_id", &self.account_id)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub fn save_identity(&mut self, id: &LocalIdentity) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO identity (id, role, name, relay_url, account_pickle, account_id, account_key, device_id, key_index, linked_at_ms, created_ms)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET role = ?1, name = ?2, relay_url = ?3, account_pickle = ?4, account_id = ?5,
                   account_key = ?6, device_id = ?7, key_index = ?8, linked_at_ms = ?9, created_ms = ?10",
                params![
                    id.role.as_str(),
                    id.name,
                    id.relay_url,
                    id.account_pickle,
                    id.account_id.as_ref().map(|a| a.as_str().to_owned()),
                    id.account_key.map(|k| k.to_vec()),
                    id.device_id,
                    id.key_index,
                    id.linked_at_ms,
                    id.created_ms
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Updates only the pickled account (after generating or publishing keys).
    pub fn save_account_pickle(&mut self, pickle: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE identity SET account_pickle = ?1 WHERE id = 1", [pickle]).map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn load_identity(&self) -> Result<Option<LocalIdentity>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT role, name, relay_url, account_pickle, account_id, account_key, device_id, key_index, linked_at_ms, created_ms FROM identity WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<Vec<u8>>>(5)?,
                        r.get::<_, Option<DeviceId>>(6)?,
                        r.get::<_, Option<u32>>(7)?,
                        r.get::<_, Option<u64>>(8)?,
                        r.get::<_, u64>(9)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((
            role,
            name,
            relay_url,
            account_pickle,
            account_id,
            account_key,
            device_id,
            key_index,
            linked_at_ms,
            created_ms,
        )) = row
        else {
            return Ok(None);
        };
        let role = match role.as_str() {
            "primary" => Role::Primary,
            "companion" => Role::Companion,
            other => return Err(StoreError::Corrupt(format!("unknown role {other:?}"))),
        };
        let account_id =
            account_id.map(|a| AccountId::parse(&a)).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let account_key = account_key
            .map(|k| <[u8; 32]>::try_from(k.as_slice()))
            .transpose()
            .map_err(|_| StoreError::Corrupt("account key length".into()))?;
        Ok(Some(LocalIdentity {
            role,
            name,
            relay_url,
            account_pickle,
            account_id,
            account_key,
            device_id,
            key_index,
            linked_at_ms,
            created_ms,
        }))
    }
}
