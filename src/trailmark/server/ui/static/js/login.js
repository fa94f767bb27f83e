// The sign-in prompt shown when the server answers 401: a token, kept for this tab only.

import { setToken, token } from "./api.js";

const dialog = document.getElementById("login");
const form = dialog.querySelector("form");
const message = dialog.querySelector(".login-message");
let done = () => {};

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = new FormData(form).get("token").trim();
  if (!value) {
    message.textContent = "Paste an API token (trailmark tokens create --user NAME).";
    return;
  }
  setToken(value);
  form.reset();
  dialog.close();
  done();
});

dialog.addEventListener("cancel", (event) => event.preventDefault());

export function showLogin(error, then) {
  done = then;
  message.textContent = token()
    ? `That token was not accepted${error?.message ? `: ${error.message}` : "."}`
    : "This server asks for a token before it shows any data.";
  setToken(null);
  if (!dialog.open) dialog.showModal();
  dialog.querySelector("input").focus();
}
