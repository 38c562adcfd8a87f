// @ts-check
// Numbers, durations and times as the service centre reads them.

import { LANGUAGE } from "./texts.js";

const LOCALE = LANGUAGE === "de" ? "de-DE" : LANGUAGE;
const percentFormat = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 0 });
const clockFormat = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit" });

// 75 -> "1:15", 3725 -> "1:02:05"
export function duration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

// 0.973 -> "97 %"
export function percent(fraction) {
  return percentFormat.format(Number(fraction) || 0);
}

export function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : clockFormat.format(date);
}

// Characters as the gateway counts them (code points, like Python's len).
export function characters(text) {
  return [...text].length;
}

export function truncate(text, max) {
  const points = [...String(text ?? "")];
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
}
