// The top of the left pane, as WhatsApp and Signal Desktop have it: the user's own avatar and
// name (the profile name, else "You"; this computer's name below), a New chat button and the
// main menu (new chat, linked devices, settings).
import { Avatar } from "../components/avatar";
import { MenuButton } from "../components/menu";
import type { Linked } from "../types";

/** Gives keyboard focus back to the main menu's button (a left-pane page closed). */
export function focusMainMenu(): void {
  document.querySelector<HTMLButtonElement>('[data-testid="main-menu"]')?.focus();
}

export interface SidebarActions {
  newChat(): void;
  devices(): void;
  settings(): void;
}

export function SidebarHead({ linked, newChatOpen, actions }: { linked: Linked; newChatOpen: boolean; actions: SidebarActions }) {
  const name = linked.profile_name ?? "You";
  return (
    <header class="sidebar-head" data-testid="sidebar-head">
      <Avatar id={linked.account_id} name={linked.profile_name ?? linked.device_name} />
      <span class="me">
        <span class="me-name" data-testid="me-name">
          {name}
        </span>
        <span class="me-device muted" data-testid="linked-device-name" title="This computer's name on your account">
          {linked.device_name}
        </span>
      </span>
      <button
        type="button"
        class="icon-button"
        data-testid="new-chat-open"
        aria-label="New chat"
        title="New chat (Ctrl+N)"
        aria-expanded={newChatOpen}
        aria-controls="new-chat"
        onClick={actions.newChat}
      >
        ✎
      </button>
      <MenuButton
        id="main-menu"
        label="Menu"
        testid="main-menu"
        items={[
          { label: "New chat", testid: "menu-new-chat", run: actions.newChat },
          { label: "Linked devices", testid: "menu-devices", run: actions.devices },
          { label: "Settings", testid: "open-settings", run: actions.settings },
        ]}
      />
    </header>
  );
}
