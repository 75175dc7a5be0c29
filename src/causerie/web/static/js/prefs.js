// The person's settings (kept in this browser) and what the page learned from the server at start.
import { getJSON } from "./api.js";
import { currentLang, setLang, t } from "./i18n.js";
import { loadVoices } from "./speech.js";
import { $, showError } from "./ui.js";

const STORE = "causerie.prefs";
const DEFAULTS = { lang: "auto", theme: "system", model: "", voice: "", system: "" };

export const prefs = { ...DEFAULTS, ...JSON.parse(localStorage.getItem(STORE) || "{}") };
export const server = { models: new Map(), defaultModel: "" }; // GET /v1/models and /health

export function savePrefs() {
  localStorage.setItem(STORE, JSON.stringify(prefs));
}

/** "system" follows the OS; "light"/"dark" force it (the CSS reads data-theme). */
export function applyTheme() {
  const root = document.documentElement;
  if (prefs.theme === "system") delete root.dataset.theme;
  else root.dataset.theme = prefs.theme;
}

export async function loadModels() {
  const [models, health] = await Promise.all([getJSON("/v1/models"), getJSON("/health")]);
  // Only the chat models: /v1/models also lists the embedding model (card.tasks ["embeddings"]), which
  // cannot answer a message.
  const chat = models.data.filter((model) => (model.card?.tasks || ["chat"]).includes("chat"));
  server.models = new Map(chat.map((model) => [model.id, model]));
  server.defaultModel = health.default_model || chat[0]?.id || "";
}

/** The model the next message goes to: the picker's, else the saved default, else the server's. */
export function chosenModel() {
  const picked = $("#model").value;
  if (server.models.has(picked)) return picked;
  return server.models.has(prefs.model) ? prefs.model : server.defaultModel;
}

export function fillModelSelect(select, selected, withServerDefault = false) {
  select.replaceChildren();
  if (withServerDefault) select.append(new Option(t("web.server_default"), ""));
  for (const [id, model] of server.models) {
    // The name alone: "· 1.5B · Q4_K_M" was cut off in the header; the card and the option's title say it.
    const card = model.card || {};
    const option = new Option(id, id, false, id === selected);
    option.title = [id, card.parameters, card.quantization].filter(Boolean).join(" · ");
    select.append(option);
  }
}

/** "1.1 GB", "98.4 MB": the CLI's units (cli/models.py human_size), so both surfaces say the same. */
export function humanSize(size) {
  const units = ["B", "KB", "MB", "GB"];
  let value = size;
  for (const [index, unit] of units.entries()) {
    if (value < 1000 || unit === "GB") return index === 0 ? `${value.toFixed(0)} ${unit}` : `${value.toFixed(1)} ${unit}`;
    value /= 1000;
  }
  return String(size);
}

/** One line for a model in many PyPI parts ("22 parts, … part1 … part22==0.2.0"), as the CLI writes it. */
function sourceText(card) {
  const packages = card.source_packages || [];
  if (packages.length <= 1) return packages.join(", ") || card.source;
  const [first] = packages[0].split("==");
  const [last, version] = packages[packages.length - 1].split("==");
  const box = document.createElement("div");
  const fold = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = t("web.card_parts_list", { count: packages.length });
  const list = document.createElement("p");
  list.className = "parts-list";
  list.textContent = packages.join("\n");
  fold.append(summary, list);
  box.append(t("card.parts_summary", { count: packages.length, first, last, version }), fold);
  return box;
}

/** The card's own words in the interface's language: what the model is good at and where it is weak. */
export function aboutModel(name) {
  const card = server.models.get(name)?.card || {};
  return card.about?.[currentLang()] || card.about?.en || card.description || "";
}

/** The model card as facts for the info dialog (GET /v1/models returns `card`). */
export function cardFacts(name) {
  const card = server.models.get(name)?.card || { name };
  const size = card.size_bytes ?? card.size;
  return [
    [t("card.description"), aboutModel(name), "wide"],
    [t("card.name"), card.name || name],
    [t("card.family"), card.family],
    [t("card.parameters"), card.parameters],
    [t("card.quantization"), card.quantization],
    [t("card.license"), card.license],
    [t("card.context_length"), card.context_length],
    [t("card.size"), typeof size === "number" ? humanSize(size) : size],
    [t("card.engine"), card.engine],
    [t("card.sha256"), card.sha256],
    [t("card.verified"), card.verified === undefined ? undefined : t(card.verified ? "web.model_verified" : "web.model_unverified")],
    [t("card.source"), sourceText(card)],
  ];
}

export function wireSettings({ onChange, onLogout }) {
  const dialog = $("#settings-dialog");
  const form = $("#settings-form");
  $("#open-settings").addEventListener("click", async () => {
    form.lang.value = prefs.lang;
    form.theme.value = prefs.theme;
    form.system.value = prefs.system;
    fillModelSelect($("#settings-model"), prefs.model, true);
    $("#logout").hidden = !localStorage.getItem("causerie.apiKey");
    dialog.returnValue = "";
    dialog.showModal();
    loadVoices($("#settings-voice"), prefs.voice).catch(showError);
  });
  $("#logout").addEventListener("click", () => { dialog.close(); onLogout(); });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "save") return;
    Object.assign(prefs, {
      lang: form.lang.value, theme: form.theme.value, model: form.model.value,
      voice: form.voice.value, system: form.system.value.trim(),
    });
    savePrefs();
    applyTheme();
    setLang(prefs.lang);
    onChange();
  });
}
