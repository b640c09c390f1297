/**
 * The embed options, read from the <script> tag's data-* attributes so that a site
 * embeds the widget with one tag and no code. Invalid values fall back to defaults
 * instead of breaking the page the widget is embedded in.
 */

export const DEFAULTS = Object.freeze({
  title: "Lambert-Eaton syndrome questions",
  color: "#005ea2",
  initialMessage: "/greet",
  keepHours: 24,
  socketPath: "/socket.io",
});

/** Reads the options of `script` (document.currentScript of the widget bundle). */
export function readOptions(script) {
  const data = (script && script.dataset) || {};
  const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  return {
    serverUrl: (data.serverUrl || scriptOrigin).replace(/\/+$/, ""),
    socketPath: data.socketPath || DEFAULTS.socketPath,
    title: (data.title || DEFAULTS.title).slice(0, 80),
    color: isHexColor(data.color) ? data.color : DEFAULTS.color,
    initialMessage: data.initialMessage === undefined ? DEFAULTS.initialMessage : data.initialMessage,
    keepHours: positiveNumber(data.keepHours, DEFAULTS.keepHours),
    startOpen: data.open === "true",
  };
}

function isHexColor(value) {
  return typeof value === "string" && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value);
}

function positiveNumber(value, fallback) {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : fallback;
}

/**
 * Black or white, whichever reads better on `hex` (WCAG relative luminance), so a
 * site's brand colour never leaves the header or the user's bubbles unreadable.
 */
export function textColorOn(hex) {
  const full = hex.length === 4 ? "#" + [...hex.slice(1)].map((c) => c + c).join("") : hex;
  const channels = [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  return onWhite >= onBlack ? "#ffffff" : "#111111";
}
