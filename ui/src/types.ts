// The core's DTOs are generated from the Rust types (generated/core.ts; the test
// crates/client/tests/typescript.rs fails when they drift). This module names them as the UI
// uses them and adds the UI's own types. Strings from other people or devices (names, bodies,
// snippets, titles) are untrusted text: rendered as text, never as HTML.
import type * as core from "./generated/core";

export type View = core.View;
export type Screen = core.Screen;
export type Connection = core.ConnectionView;
export type LinkPhase = core.LinkPhase;
export type Linking = core.LinkingView;
export type Linked = core.LinkedView;
export type Device = core.DeviceSummary;
export type DeviceKind = core.DeviceKind;
export type ChatSummary = core.ChatSummary;
export type LastMessage = core.LastMessage;
export type ChatHistory = core.ChatHistory;
export type OpenChat = core.OpenChat;
export type ChatMessage = core.ChatMessage;
export type ImageView = core.ImageView;
export type HistoryStatus = core.HistoryStatus;
export type InactivityWarning = core.InactivityWarning;
export type SearchResult = core.SearchResult;
export type ErrorInfo = core.ErrorView;
export type ChatInfo = core.ChatInfo;
export type GroupMember = core.GroupMember;

export type ConnectionState = "online" | "connecting" | "offline";

/** The history ranges the linking screen offers: 3 months, 1 year (the default), everything. */
export type HistoryDays = 90 | 365 | 0;

/**
 * Outgoing: queued → sent → delivered → read. Incoming: received → read; "waiting" (could not be
 * decrypted yet, asked again: the body says why) → received, or "failed" after 5 requests.
 * "event": a chat event (e.g. the contact's devices changed).
 */
export type MessageState = "queued" | "sent" | "delivered" | "read" | "received" | "waiting" | "failed" | "event";

/** Codes the UI switches on. Unknown codes are possible and must be handled. */
export type ErrorCode =
  | "link_expired"
  | "link_used"
  | "link_declined"
  | "wrong_hmac"
  | "bad_signature"
  | "tampered_link"
  | "companion_limit"
  | "relay_unreachable"
  | "invalid_data"
  | "not_found"
  | "keychain_unavailable"
  | "database_unreadable"
  | "key_missing"
  | "no_other_device"
  | "not_applicable"
  | "no_app_state_key"
  | "internal";
