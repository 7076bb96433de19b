import type { RenderContext } from "../context";
import { el } from "../dom";
import { toAppError } from "../errors";
import type { Linked } from "../types";
import type { Section } from "./chatList";

/** Inline text for a failed setProfileName, chosen by code. */
export function profileErrorText(code: string, message: string): string {
  switch (code) {
    case "invalid_data":
      return "Use 1 to 64 characters, without control characters.";
    case "no_app_state_key":
      return "Your phone hasn't sent the key for synced settings yet. Keep it online and try again.";
    case "relay_unreachable":
      return "Can't reach the relay. Try again when you're online.";
    default:
      return `Couldn't save the profile name: ${message}`;
  }
}

/** The profile name, synced to every device of the account, and a form to change it. */
export function renderProfile(linked: Linked, ctx: RenderContext): Section {
  const st = ctx.ui.profile;
  const current = linked.profile_name;
  const ready = linked.settings_ready;
  const shown = el(
    "p",
    { testid: "profile-name-row" },
    "Profile name: ",
    current === null
      ? el("span", { class: "muted", testid: "profile-name" }, "Not set")
      : el("strong", { class: "profile-name", testid: "profile-name" }, current),
  );
  const describedBy = ready ? "profile-name-error" : "profile-name-hint profile-name-error";
  const input = el("input", {
    class: "profile-name-input",
    testid: "profile-name-input",
    attrs: { id: "profile-name-input", type: "text", autocomplete: "off", "aria-describedby": describedBy },
  });
  const save = el("button", { class: "primary", testid: "profile-name-save", attrs: { type: "submit" } }, "Save");
  const error = el("p", {
    class: "inline-error",
    testid: "profile-name-error",
    attrs: { id: "profile-name-error", "aria-live": "polite" },
  });
  const status = el("p", { class: "muted settings-status", testid: "profile-name-status", attrs: { "aria-live": "polite" } });
  const hint = el(
    "p",
    { class: "hint", testid: "profile-name-hint", attrs: { id: "profile-name-hint" } },
    "Your phone hasn't sent the key for synced settings yet; the profile name can be changed once it has.",
  );
  const value = () => st.draft ?? current ?? "";

  const apply = () => {
    if (input.value !== value()) input.value = value();
    input.readOnly = st.busy;
    input.disabled = !ready;
    save.disabled = !ready || st.busy || value().trim() === "";
    error.textContent = st.error;
    status.textContent = st.saved ? "Saved on all your devices." : "";
  };

  input.addEventListener("input", () => {
    st.draft = input.value;
    st.saved = false;
    status.textContent = "";
    save.disabled = !ready || st.busy || value().trim() === "";
  });

  const form = el(
    "form",
    { class: "profile-form", testid: "profile-form", attrs: { "aria-label": "Profile name" } },
    el("label", { class: "label", attrs: { for: "profile-name-input" } }, "New profile name"),
    el("div", { class: "new-chat-row" }, input, save),
    !ready && hint,
    error,
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = value().trim();
    if (!ready || st.busy || name === "") return;
    st.busy = true;
    st.error = "";
    st.saved = false;
    apply();
    ctx.backend.setProfileName(name).then(
      () => {
        st.busy = false;
        st.draft = null;
        st.saved = true;
        ctx.ui.refresh();
      },
      (err: unknown) => {
        const e = toAppError(err);
        st.busy = false;
        st.error = profileErrorText(e.code, e.message);
        ctx.ui.refresh();
      },
    );
  });

  apply();
  const node = el(
    "section",
    { class: "settings-section", testid: "settings-profile", attrs: { "aria-labelledby": "settings-profile-heading" } },
    el("h3", { attrs: { id: "settings-profile-heading" } }, "Profile"),
    shown,
    el("p", { class: "muted" }, "Shown to the people you chat with, and the same on every device of your account."),
    form,
  );
  return { node, apply };
}
