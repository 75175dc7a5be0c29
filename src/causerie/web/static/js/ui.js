// Small shared pieces of the page: toasts for errors, dialogs, element helpers.
import { applyIcons } from "./icons.js";
import { applyStrings, t } from "./i18n.js";

export const $ = (selector, root = document) => root.querySelector(selector);

/** An element from an HTML string (trusted markup only: callers escape what comes from outside). */
export function html(markup) {
  const template = document.createElement("template");
  template.innerHTML = markup.trim();
  const el = template.content.firstElementChild;
  applyIcons(template.content);
  applyStrings(template.content);
  return el;
}

/** Show an error (an ApiError's message, already in the page's language) until dismissed or 12 s. */
export function showError(error) {
  if (error?.name === "AbortError") return;
  const message = error?.message || String(error);
  const toast = html(`<div class="toast error"><strong></strong><span></span>
    <button type="button" class="icon-button" data-icon="close"></button></div>`);
  toast.querySelector("strong").textContent = t("web.error");
  toast.querySelector("span").textContent = message;
  const close = toast.querySelector("button");
  close.setAttribute("aria-label", t("web.dismiss"));
  close.addEventListener("click", () => toast.remove());
  $("#toasts").append(toast);
  setTimeout(() => toast.remove(), 12_000);
  console.warn("causerie:", message);
}

export function showNotice(message) {
  const toast = html(`<div class="toast"><span></span></div>`);
  toast.querySelector("span").textContent = message;
  $("#toasts").append(toast);
  setTimeout(() => toast.remove(), 5000);
}

/** Ask for a line of text (rename) or a yes/no (delete); resolves to the text, true, or null. */
export function ask({ title, message = "", value = null, ok }) {
  const dialog = $("#text-dialog");
  $("#text-heading").textContent = title;
  $("#text-message").textContent = message;
  $("#text-ok").textContent = ok;
  const input = $("#text-input");
  input.hidden = value === null;
  input.value = value ?? "";
  dialog.returnValue = "";
  dialog.showModal();
  if (value !== null) input.select();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "ok") return resolve(null);
      resolve(value === null ? true : input.value.trim() || null);
    }, { once: true });
  });
}

/** A definition list of facts in the info dialog (model card, an answer's details). */
export function showFacts(title, facts) {
  $("#info-heading").textContent = title;
  const list = $("#info-facts");
  list.replaceChildren();
  for (const [label, value, layout] of facts) {
    if (value === undefined || value === null || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    if (layout === "wide") dt.className = dd.className = "wide"; // a paragraph, not a value: the whole width
    if (value instanceof Node) dd.append(value);
    else dd.textContent = String(value);
    list.append(dt, dd);
  }
  const dialog = $("#info-dialog");
  dialog.showModal();
  dialog.scrollTop = 0; // a long card opens at its top, never scrolled to the focused button
  list.scrollTop = 0;
}

export function autoGrow(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${Math.min(textarea.scrollHeight, window.innerHeight * 0.4)}px`;
}
