// The emoji the picker offers: a small hand-written table (names as in Unicode's CLDR short
// names, read out by screen readers). Each category fills whole rows of EMOJI_COLUMNS.

export interface Emoji {
  char: string;
  name: string;
}

export interface EmojiCategory {
  name: string;
  emoji: Emoji[];
}

/** Options per row in the picker (arrow Up/Down move by this many). */
export const EMOJI_COLUMNS = 10;

function list(pairs: string): Emoji[] {
  // "😀 grinning face; 😃 …": the character, a space, the name.
  return pairs.split(";").map((p) => {
    const [char = "", ...name] = p.trim().split(" ");
    return { char, name: name.join(" ") };
  });
}

export const EMOJI_CATEGORIES: readonly EmojiCategory[] = [
  {
    name: "Smileys",
    emoji: list(
      "😀 grinning face; 😄 grinning face with smiling eyes; 😁 beaming face with smiling eyes; " +
        "😆 grinning squinting face; 😅 grinning face with sweat; 😂 face with tears of joy; " +
        "🙂 slightly smiling face; 😉 winking face; 😊 smiling face with smiling eyes; " +
        "😍 smiling face with heart-eyes; 😘 face blowing a kiss; 😋 face savoring food; " +
        "😎 smiling face with sunglasses; 🤔 thinking face; 😐 neutral face; 😴 sleeping face; " +
        "😮 face with open mouth; 😢 crying face; 😭 loudly crying face; 😡 enraged face",
    ),
  },
  {
    name: "People and gestures",
    emoji: list(
      "👍 thumbs up; 👎 thumbs down; 👌 OK hand; ✌️ victory hand; 🤞 crossed fingers; " +
        "👏 clapping hands; 🙌 raising hands; 👋 waving hand; 🙏 folded hands; 💪 flexed biceps; " +
        "👀 eyes; 🤝 handshake; 👉 backhand index pointing right; 👈 backhand index pointing left; " +
        "☝️ index pointing up; 🤷 person shrugging; 🤦 person facepalming; 🙋 person raising hand; " +
        "🙈 see-no-evil monkey; 🤗 smiling face with open hands",
    ),
  },
  {
    name: "Hearts and symbols",
    emoji: list(
      "❤️ red heart; 🧡 orange heart; 💛 yellow heart; 💚 green heart; 💙 blue heart; " +
        "💜 purple heart; 🖤 black heart; 💔 broken heart; 💕 two hearts; 💯 hundred points; " +
        "✅ check mark button; ❌ cross mark; ❗ red exclamation mark; ❓ red question mark; " +
        "⭐ star; ✨ sparkles; 🔥 fire; ⚡ high voltage; 💤 zzz; 🎉 party popper",
    ),
  },
  {
    name: "Food and objects",
    emoji: list(
      "☕ hot beverage; 🍕 pizza; 🍔 hamburger; 🍰 shortcake; 🎂 birthday cake; 🍎 red apple; " +
        "🍺 beer mug; 🍷 wine glass; 🎁 wrapped gift; 🎈 balloon; 📷 camera; 📱 mobile phone; " +
        "💻 laptop; 📅 calendar; 📌 pushpin; 🔑 key; 🏠 house; 🚗 automobile; ✈️ airplane; ⚽ soccer ball",
    ),
  },
];
