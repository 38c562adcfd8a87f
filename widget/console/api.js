// @ts-check
// The gateway's HTTP JSON API (login cookie, knowledge base, canned responses).

export class ApiError extends Error {
  /**
   * @param {number} status  the HTTP status (0: no answer)
   * @param {string} code  the gateway's error code, or "network"
   * @param {string} [message]
   * @param {number | null} [retryAfter]
   */
  constructor(status, code, message, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, when the server asked to wait (login throttling)
  }
}

let onUnauthorized = () => {};

// Called when the login cookie is no longer accepted (expired, logged out elsewhere).
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {object} [body]  sent as JSON
 * @param {{ signal?: AbortSignal, quiet401?: boolean }} [options]  quiet401: a 401 is an answer, not an expired login
 */
async function request(method, path, body, { signal, quiet401 = false } = {}) {
  /** @type {RequestInit & { headers: Record<string, string> }} */
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" }, signal };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (failure) {
    if (failure.name === "AbortError") throw failure;
    throw new ApiError(0, "network", failure.message);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && !quiet401) onUnauthorized();
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    throw new ApiError(response.status, data?.error ?? "internal", data?.message, Number.isNaN(retryAfter) ? null : retryAfter);
  }
  return data;
}

export async function login(username, password) {
  return (await request("POST", "/api/login", { username, password }, { quiet401: true })).user;
}

export async function logout() {
  await request("POST", "/api/logout", {}, { quiet401: true });
}

// The logged-in user, or null without a valid login.
export async function me() {
  try {
    return (await request("GET", "/api/me", undefined, { quiet401: true })).user;
  } catch (failure) {
    if (failure.status === 401) return null;
    throw failure;
  }
}

export async function searchKb(query, language, signal) {
  const params = new URLSearchParams({ q: query, lang: language });
  return (await request("GET", `/api/kb/search?${params}`, undefined, { signal })).items;
}

export async function kbArticle(id, language) {
  const params = new URLSearchParams({ lang: language });
  return (await request("GET", `/api/kb/articles/${encodeURIComponent(id)}?${params}`)).article;
}

export async function canned(language) {
  return (await request("GET", `/api/canned?${new URLSearchParams({ lang: language })}`)).items;
}

// Supervisors: every console account with its presence.
export async function agents() {
  return (await request("GET", "/api/agents")).items;
}
