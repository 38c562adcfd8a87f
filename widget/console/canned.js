// @ts-check
// Canned responses (GET /api/canned) per language, loaded once per language; a chat offers
// the general ones and those of its department.

import * as api from "./api.js";

const ALL_DEPARTMENTS = "*";
const byLanguage = new Map();

function load(language) {
  if (!byLanguage.has(language)) {
    const loading = api.canned(language).catch((failure) => {
      byLanguage.delete(language); // try again next time
      throw failure;
    });
    byLanguage.set(language, loading);
  }
  return byLanguage.get(language);
}

export async function cannedFor(language, department) {
  const items = await load(language === "en" ? "en" : "de");
  return {
    general: items.filter((item) => item.department === ALL_DEPARTMENTS),
    department: items.filter((item) => item.department !== ALL_DEPARTMENTS && item.department === department),
  };
}
