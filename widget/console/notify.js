// @ts-check
// Attention for new requests: a short chime made with the Web Audio API (no audio file) and a
// desktop notification once the agent has allowed it (asked only when they press the button).

import { t } from "./texts.js";

const SOUND_KEY = "citychat.console.sound";
let audio = null;

// Browsers start audio only after a user gesture: create the context on the first one.
export function unlockAudioOnGesture() {
  const unlock = () => {
    const Context = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume().catch(() => {});
  };
  window.addEventListener("pointerdown", unlock, { once: true, capture: true });
  window.addEventListener("keydown", unlock, { once: true, capture: true });
}

export function soundEnabled() {
  return localStorage.getItem(SOUND_KEY) !== "off";
}

export function setSoundEnabled(on) {
  localStorage.setItem(SOUND_KEY, on ? "on" : "off");
}

// Two soft tones, 0.35 s together.
export function chime() {
  if (!audio || !soundEnabled()) return;
  if (audio.state === "suspended") audio.resume().catch(() => {});
  const start = audio.currentTime + 0.01;
  [880, 1318.5].forEach((frequency, index) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    const begin = start + index * 0.16;
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(frequency, begin);
    gain.gain.setValueAtTime(0.0001, begin);
    gain.gain.exponentialRampToValueAtTime(0.2, begin + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, begin + 0.18);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(begin);
    oscillator.stop(begin + 0.2);
  });
}

export function notificationsSupported() {
  return "Notification" in window;
}

export function notificationPermission() {
  return notificationsSupported() ? Notification.permission : "denied";
}

export async function askNotificationPermission() {
  if (!notificationsSupported()) return "denied";
  return Notification.requestPermission();
}

export function desktopNotification(title, body, tag, onClick) {
  if (notificationPermission() !== "granted") return;
  try {
    const note = new Notification(title, { body, tag, lang: document.documentElement.lang });
    note.addEventListener("click", () => {
      window.focus();
      onClick();
      note.close();
    });
  } catch {
    // some platforms only allow notifications from a service worker: the chime must do
  }
}

export function alertTitle(departmentName) {
  return t("notify.title", { department: departmentName });
}
