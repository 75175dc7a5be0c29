// The page's words come from causerie's one catalogue (src/causerie/i18n/web.py), inlined in the page by
// the server as JSON: both languages, so switching is instant and nothing is fetched before first paint.
const ALL = JSON.parse(document.getElementById("ui-strings").textContent);
export const LANGS = Object.keys(ALL);
let lang = "fr";

/** "fr" or "en": the preference, else the browser's first supported language, else French. */
export function pickLang(preference) {
  if (LANGS.includes(preference)) return preference;
  for (const tag of navigator.languages || [navigator.language]) {
    const head = (tag || "").slice(0, 2).toLowerCase();
    if (LANGS.includes(head)) return head;
  }
  return "fr";
}

export const currentLang = () => lang;

/** The message `key`, with `{name}` placeholders filled exactly as Python's str.format does here. */
export function t(key, values = {}) {
  const text = ALL[lang]?.[key] ?? ALL.fr?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Fill `data-i18n` (text) and `data-i18n-attr="attr:key;attr:key"` (attributes) under `root`. */
export function applyStrings(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}

export function setLang(value) {
  lang = pickLang(value);
  document.documentElement.lang = lang;
  document.title = t("web.title");
  applyStrings();
}
