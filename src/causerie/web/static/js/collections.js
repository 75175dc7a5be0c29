// A person's document collections (/v1/collections) and the ones the open conversation answers from: the
// chips in the composer, what a new conversation is created with, what each message passes, and where an
// attached file goes (the first chosen collection, else a new one named after the conversation).
import { call, getJSON, sendJSON } from "./api.js";
import { currentLang, t } from "./i18n.js";
import { $, html } from "./ui.js";

const enc = encodeURIComponent;
// conversation id -> the collections chosen for it here (the API keeps the ones it was created with; a later
// choice is passed with each message, and remembered in this browser so that a reload shows it).
const CHOICES = "causerie.docChoices";
const KEPT_CHOICES = 200;

export const collectionsApi = {
  list: async () => (await getJSON("/v1/collections")).data,
  create: (name) => sendJSON("POST", "/v1/collections", { name, description: "" }),
  remove: (name) => call("DELETE", `/v1/collections/${enc(name)}`),
  documents: async (name) => (await getJSON(`/v1/collections/${enc(name)}/documents`)).data,
  removeDocument: (name, id) => call("DELETE", `/v1/collections/${enc(name)}/documents/${id}`),
  passages: async (name, id) => (await getJSON(`/v1/collections/${enc(name)}/documents/${id}/passages`)).data,
  uploadPath: (name) => `/v1/collections/${enc(name)}/documents`,
};

/** "1 passage", "3 passages", and French's "0 document": the catalogue's `prefix` + "one" or "other". */
export function counted(prefix, count) {
  const form = new Intl.PluralRules(currentLang()).select(count) === "one" ? "one" : "other";
  return t(`${prefix}${form}`, { count });
}

/** "12 pages · 40 passages" for a document (a Markdown file has no pages). */
export function documentDetails(doc) {
  const parts = doc.pages ? [counted("web.docs_pages_", doc.pages)] : [];
  return [...parts, counted("web.docs_passages_", doc.chunks)].join(" · ");
}

const pad = (n) => String(n).padStart(2, "0");
function stamp(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}.${pad(now.getMinutes())}`;
}

/** A valid collection name (letters, digits, spaces, . - _; 64 at most) from a conversation's title. */
export function collectionName(title) {
  const clean = (title || "").normalize("NFC").replace(/[^\p{L}\p{M}\p{N}_.\- ]+/gu, " ").replace(/\s+/g, " ")
    .replace(/^[.\- ]+/, "").slice(0, 60).trim();
  return clean || t("web.docs_default_name", { date: stamp() });
}

function savedChoices() {
  try { return JSON.parse(localStorage.getItem(CHOICES) || "{}"); } catch { return {}; }
}

function saveChoice(id, names) {
  const all = savedChoices();
  delete all[id];
  all[id] = names;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - KEPT_CHOICES))) delete all[old];
  localStorage.setItem(CHOICES, JSON.stringify(all));
}

class Collections {
  constructor() {
    this.all = []; // CollectionOut, as GET /v1/collections gives them
    this.loaded = false;
    this.chosen = []; // names the open (or next) conversation answers from
    this.conversation = null;
    this.listeners = new Set();
  }

  onChange(listener) { this.listeners.add(listener); }
  changed() { for (const listener of this.listeners) listener(); }
  has(name) { return this.all.some((c) => c.name === name); }
  get(name) { return this.all.find((c) => c.name === name); }

  async refresh() {
    this.all = await collectionsApi.list();
    this.loaded = true;
    this.changed();
  }

  /** The chat opened a conversation, or `created` one from this choice (null: a new, empty chat). */
  follow(conversation, created = false) {
    const other = conversation?.id !== this.conversation?.id;
    this.conversation = conversation;
    if (!conversation) this.chosen = [];
    else if (created) saveChoice(conversation.id, this.chosen);
    else if (other) this.chosen = savedChoices()[conversation.id] ?? conversation.collections ?? [];
    this.changed();
  }

  choose(name, on = true) {
    const rest = this.chosen.filter((n) => n !== name);
    this.chosen = on ? [...rest, name] : rest;
    if (this.conversation) saveChoice(this.conversation.id, this.chosen);
    this.changed();
  }

  /** The chosen collections that still exist (one deleted meanwhile is skipped rather than failing). */
  usable() { return this.loaded ? this.chosen.filter((name) => this.has(name)) : [...this.chosen]; }

  /** POST /api/conversations' extra fields. */
  forCreate() {
    const names = this.usable();
    return names.length ? { collections: names } : {};
  }

  /** A message's extra fields: this chat's choice, when it is not the conversation's own ([] for none). */
  forMessage() {
    const names = this.usable();
    const own = this.conversation?.collections || [];
    const same = names.length === own.length && names.every((n, i) => n === own[i]);
    return same ? {} : { collections: names };
  }

  /** Where attached files go: the first chosen collection, else one named after the conversation. */
  async target(title = this.conversation?.title) {
    const [first] = this.usable();
    if (first) return first;
    const name = collectionName(title);
    if (!this.has(name)) {
      try { await collectionsApi.create(name); } catch (error) { if (error.status !== 409) throw error; }
      await this.refresh();
    }
    this.choose(name, true);
    return name;
  }

  forget(name) {
    this.all = this.all.filter((c) => c.name !== name);
    if (this.chosen.includes(name)) this.choose(name, false);
    else this.changed();
  }
}

export const collections = new Collections();

/** The chips above the message box: one per chosen collection, with a button to stop using it. */
export function renderChips() {
  const list = $("#doc-chips");
  list.replaceChildren();
  for (const name of collections.chosen) {
    const missing = collections.loaded && !collections.has(name);
    const chip = html(`<li class="doc-chip${missing ? " missing" : ""}"><span data-icon="file" aria-hidden="true"></span>
      <span class="doc-chip-name"></span>
      <button type="button" class="doc-chip-remove" data-icon="close"></button></li>`);
    chip.querySelector(".doc-chip-name").textContent = name;
    chip.title = missing ? t("web.docs_missing", { name }) : t("web.docs_use_title", { name });
    const remove = chip.querySelector("button");
    remove.setAttribute("aria-label", t("web.docs_unuse", { name }));
    remove.title = t("web.docs_unuse", { name });
    remove.addEventListener("click", () => { collections.choose(name, false); $("#composer-input").focus(); });
    list.append(chip);
  }
  $("#doc-bar").hidden = collections.chosen.length === 0;
}
