// @ts-check
// The city's configured primary colour, made accessible: a text colour that reads on it
// (contrast of at least 4.5:1, WCAG 1.4.3) and an accent derived from it that reads as text and
// focus ring on the widget's light surfaces.

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
// the lightest surface the accent is drawn on (bot bubbles): see --cc-surface in citychat.css
const LIGHT_SURFACE = [241, 243, 246];
export const DEFAULT_PRIMARY = "#0b5394";

export function parseHex(value) {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value ?? "").trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join("") : match[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function toHex(rgb) {
  return "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// Pure black or white: one of them always reaches at least 4.58:1 against any colour.
function textOn(rgb) {
  return contrast(rgb, WHITE) >= contrast(rgb, BLACK) ? WHITE : BLACK;
}

function darkenUntil(rgb, background, ratio) {
  let current = rgb;
  for (let step = 0; step < 20 && contrast(current, background) < ratio; step += 1) {
    current = current.map((c) => c * 0.9);
  }
  return current;
}

// CSS custom properties for the shadow root's host.
export function theme(color) {
  const primary = parseHex(color) ?? parseHex(DEFAULT_PRIMARY);
  return {
    "--cc-primary": toHex(primary),
    "--cc-on-primary": toHex(textOn(primary)),
    "--cc-accent": toHex(darkenUntil(primary, LIGHT_SURFACE, 4.5)),
  };
}
