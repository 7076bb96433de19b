// Slim bars above the panes, for what the user should know now and can put away: history sync
// from the phone (progress while it runs; "synced" once, until dismissed, if it ran or the
// window linked in this session; what failed, always), a tandem:// link that could not be
// followed, and the phone's inactivity warning. Nothing shows when there is nothing to say.
import { useState } from "preact/hooks";
import type { Backend } from "../backend";
import { formatDateTime } from "../format";
import type { HistoryStatus, InactivityWarning } from "../types";
import type { UiState } from "../uiState";

/** "less than a minute left", "about 3 min left". */
export function timeLeftText(seconds: number): string {
  return seconds < 60 ? "less than a minute left" : `about ${Math.round(seconds / 60)} min left`;
}

/** Whether the history bar has something to say (and notes a sync seen running). */
export function historyBarShown(h: HistoryStatus, bar: UiState["historyBar"]): boolean {
  if (h.state !== "complete") {
    bar.news = true;
    return true;
  }
  if (h.failures.length > 0 || h.loading_older.length > 0) return true;
  return bar.news && !bar.dismissed;
}

export function HistoryBar({ h, ui }: { h: HistoryStatus; ui: UiState }) {
  if (!historyBarShown(h, ui.historyBar)) return null;
  const done = h.state === "complete";
  const label = done
    ? h.messages_imported === 0
      ? "History synced: your phone had no earlier messages"
      : `History synced: ${h.messages_imported} messages`
    : `Syncing history from your phone: ${h.messages_imported} of ${h.messages_total} messages` +
      ` · chunk ${h.chunks_imported} of ${h.chunks_total}` +
      (h.seconds_left === null ? "" : ` · ${timeLeftText(h.seconds_left)}`);
  const dismiss = () => {
    ui.historyBar.dismissed = true;
    ui.refresh();
  };
  return (
    <section class="top-bar history" data-testid="history" data-state={h.state} aria-label="History sync">
      <p data-testid="history-label">{label}</p>
      {!done && (
        <progress data-testid="history-progress" max={Math.max(h.messages_total, 1)} value={h.messages_imported} aria-label="History sync" />
      )}
      {h.partial_chats.length > 0 && (
        <p class="muted" data-testid="history-partial">{`${h.partial_chats.length} chat(s) have older messages still on the phone.`}</p>
      )}
      {h.loading_older.length > 0 && (
        <p class="muted" data-testid="history-loading-older">{`Loading older messages of ${h.loading_older.length} chat(s)…`}</p>
      )}
      {h.failures.map((f) => (
        <p class="inline-error" data-testid="history-failure" key={f}>{`Not imported: ${f}`}</p>
      ))}
      {done && (
        <button type="button" class="icon-button bar-close" data-testid="history-dismiss" aria-label="Dismiss" title="Dismiss" onClick={dismiss}>
          ×
        </button>
      )}
    </section>
  );
}

/** What the core wants the user to know (a tandem:// link it could not follow), until dismissed. */
export function AppNotice({ message, backend }: { message: string; backend: Backend }) {
  const [busy, setBusy] = useState(false);
  const dismiss = async () => {
    setBusy(true);
    try {
      await backend.dismissNotice();
    } catch {
      setBusy(false);
    }
  };
  return (
    <div class="top-bar notice notice-warning" data-testid="app-notice" role="alert">
      <span data-testid="app-notice-text">{`Couldn't open the link: ${message}.`}</span>
      <button type="button" data-testid="app-notice-dismiss" disabled={busy} onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

export function InactivityNotice({ warning }: { warning: InactivityWarning }) {
  return (
    <p class="top-bar notice notice-warning" data-testid="inactivity-warning" role="alert">
      {`${warning.message} Logout date: ${formatDateTime(warning.logout_at_ms)}.`}
    </p>
  );
}
