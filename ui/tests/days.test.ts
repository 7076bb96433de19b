import { afterEach, describe, expect, it, vi } from "vitest";
import { dayLabel, formatDay } from "../src/format";
import { CHAT_A, byTestId, chatSummary, chatView, fakeBackend, message, mount, openChat } from "./helpers";

// Local times, so the tests hold in any time zone.
const at = (month: number, day: number, hour: number, minute = 0, year = 2025) => new Date(year, month, day, hour, minute).getTime();
const WED_5_NOV = at(10, 5, 15);

function children(): HTMLElement[] {
  // The spacers standing in for messages outside the window, and the history bar at the top of
  // the list, are not part of the layout of days and messages.
  return ([...byTestId("message-list").children] as HTMLElement[]).filter(
    (e) => !e.classList.contains("message-spacer") && e.dataset["testid"] !== "history-bar",
  );
}

describe("day labels", () => {
  it("says Today and Yesterday by calendar day, else the date", () => {
    expect(dayLabel(at(10, 5, 0, 1), WED_5_NOV)).toBe("Today");
    expect(dayLabel(at(10, 4, 23, 59), WED_5_NOV)).toBe("Yesterday");
    expect(dayLabel(at(10, 4, 0, 0), WED_5_NOV)).toBe("Yesterday");
    expect(dayLabel(at(10, 3, 23, 59), WED_5_NOV, "en-GB")).toBe("Mon 3 Nov 2025");
    // Only minutes apart, but on either side of midnight; and across a year.
    expect(dayLabel(at(10, 4, 23, 50), at(10, 5, 0, 10))).toBe("Yesterday");
    expect(dayLabel(at(11, 31, 22, 0, 2024), at(0, 1, 9, 0, 2025))).toBe("Yesterday");
  });

  it("formats other days like Mon 3 Nov 2025, without commas", () => {
    expect(formatDay(at(10, 3, 12), "en-GB")).toBe("Mon 3 Nov 2025");
    expect(formatDay(at(10, 3, 12), "en-US")).toBe("Mon Nov 3 2025");
  });
});

describe("day separators", () => {
  const messages = [
    message({ message_id: "a", sent_ms: at(10, 3, 10) }),
    message({ message_id: "b", sent_ms: at(10, 3, 18) }),
    message({ message_id: "c", sent_ms: at(10, 4, 23, 59), outgoing: true, state: "read" }),
    message({ message_id: "d", sent_ms: at(10, 5, 0, 0) }),
    { ...message({ message_id: "e", sent_ms: at(10, 5, 9) }), state: "event" as const },
  ];

  afterEach(() => {
    vi.useRealTimers();
  });

  it("go before the first message of each local day, and are not message rows", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, messages)), fakeBackend(), { now: () => WED_5_NOV });
    const layout = children().map((e) => (e.dataset["testid"] === "day-separator" ? `[${e.textContent}]` : e.dataset["messageId"]));
    expect(layout).toEqual([`[${formatDay(at(10, 3, 10))}]`, "a", "b", "[Yesterday]", "c", "[Today]", "d", "e"]);
    const seps = [...document.querySelectorAll<HTMLElement>('[data-testid="day-separator"]')];
    expect(seps.map((s) => s.getAttribute("role"))).toEqual(["separator", "separator", "separator"]);
    expect(seps.map((s) => s.getAttribute("aria-label"))).toEqual([formatDay(at(10, 3, 10)), "Yesterday", "Today"]);
    expect(seps.some((s) => s.matches('[data-testid="message-row"]'))).toBe(false);
    expect(document.querySelectorAll('[data-testid="message-row"]')).toHaveLength(5);
  });

  it("shows none for an empty chat", () => {
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A)), fakeBackend(), { now: () => WED_5_NOV });
    expect(document.querySelector('[data-testid="day-separator"]')).toBeNull();
  });

  it("updates Today to Yesterday after midnight without a new View", () => {
    vi.useFakeTimers();
    let clock = at(10, 5, 23, 59);
    mount(chatView([chatSummary(CHAT_A)], openChat(CHAT_A, [message({ sent_ms: at(10, 5, 9) })])), fakeBackend(), {
      now: () => clock,
    });
    expect(byTestId("day-separator").textContent).toBe("Today");
    clock = at(10, 6, 0, 1);
    vi.advanceTimersByTime(60_000);
    expect(byTestId("day-separator").textContent).toBe("Yesterday");
    expect(byTestId("day-separator").getAttribute("aria-label")).toBe("Yesterday");
  });
});
