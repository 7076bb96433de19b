// A round avatar: a person's or group's initials on a colour derived from their id (the same on
// every device), as WhatsApp and Signal show before a photo is known. Colours are CSS classes
// (avatar-c0…avatar-c11): the CSP allows no inline styles.

const COLOURS = 12;

/** The colour index of an id: stable, spread over the palette. */
export function avatarColour(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 9973;
  return h % COLOURS;
}

/** Up to two initials of a name ("Ada Lovelace" → "AL", "bob" → "B"); an id gives its first letter. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => w !== "");
  const letters = words.slice(0, 2).map((w) => [...w][0] ?? "");
  return letters.join("").toLocaleUpperCase();
}

export function Avatar({ id, name, size = "md" }: { id: string; name: string; size?: "sm" | "md" | "lg" }) {
  return (
    <span class={`avatar avatar-${size} avatar-c${avatarColour(id)}`} aria-hidden="true" data-testid="avatar">
      {initials(name)}
    </span>
  );
}

/**
 * The same avatar as a DOM element, for the parts still built by render functions (bridge.tsx).
 * Its initials are drawn by CSS (`data-initials`), not text: it sits inside a button named
 * "Chat info", and visible text that is not part of a button's name misleads voice control
 * (axe-core: label-content-name-mismatch).
 */
export function avatarElement(id: string, name: string, size: "sm" | "md" | "lg" = "md"): HTMLElement {
  const span = document.createElement("span");
  span.className = `avatar avatar-${size} avatar-c${avatarColour(id)} avatar-drawn`;
  span.setAttribute("aria-hidden", "true");
  span.dataset["testid"] = "avatar";
  span.dataset["initials"] = initials(name);
  return span;
}
