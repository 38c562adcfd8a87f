// @ts-check
// The login form: labelled fields, errors inline (wrong password, rate limited, network).

import { byId } from "../shared/dom.js";
import * as api from "./api.js";
import { t } from "./texts.js";

export const CONSOLE_ROLES = new Set(["agent", "supervisor", "admin"]);

const ERRORS = {
  invalid_credentials: "login.wrong",
  rate_limited: "login.rate_limited",
  forbidden_origin: "login.forbidden_origin",
  invalid: "login.missing",
  network: "login.network",
};

export function showLogin(notice, onLoggedIn) {
  const view = byId("login-view");
  const form = byId("login-form");
  const username = /** @type {HTMLInputElement} */ (byId("login-username"));
  const password = /** @type {HTMLInputElement} */ (byId("login-password"));
  const error = byId("login-error");
  const submit = /** @type {HTMLButtonElement} */ (byId("login-submit"));

  function fail(key, field, values = {}) {
    error.textContent = t(key, values);
    for (const input of [username, password]) input.setAttribute("aria-invalid", String(!field || input === field));
    (field ?? password).focus();
  }

  view.hidden = false;
  if (notice) error.textContent = t(notice);
  username.focus();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.value.trim()) return fail("login.missing", username);
    if (!password.value) return fail("login.missing", password);
    submit.disabled = true;
    submit.textContent = t("login.busy");
    try {
      const user = await api.login(username.value.trim(), password.value);
      if (!CONSOLE_ROLES.has(user.role)) {
        await api.logout().catch(() => {});
        fail("login.no_console");
        return;
      }
      password.value = "";
      for (const input of [username, password]) input.removeAttribute("aria-invalid");
      view.hidden = true;
      onLoggedIn(user);
    } catch (failure) {
      password.value = "";
      fail(ERRORS[failure.code] ?? "login.failed", undefined, { seconds: failure.retryAfter ?? 60 });
    } finally {
      submit.disabled = false;
      submit.textContent = t("login.submit");
    }
  });
}
