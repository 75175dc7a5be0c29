// The one way the page talks to causerie: its public HTTP API, exactly as any API user would, with the
// interface language in Accept-Language (so server messages match the page) and the API key, if any.
import { currentLang, t } from "./i18n.js";

const KEY_STORE = "causerie.apiKey";
let askForKey = null; // set by main.js: shows the sign-in dialog, resolves once a new key is stored

export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `HTTP ${status}`);
    Object.assign(this, { status, type: error.type, code: error.code, param: error.param });
  }
}

export const apiKey = () => localStorage.getItem(KEY_STORE) || "";
export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
}
export function onUnauthorized(handler) {
  askForKey = handler;
}

function headers(extra = {}) {
  const all = { "Accept-Language": currentLang(), ...extra };
  if (apiKey()) all.Authorization = `Bearer ${apiKey()}`;
  return all;
}

/** OpenAI's {"error": {message, type, param, code}}, or a readable stand-in for anything else. */
async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body?.error?.message) return new ApiError(response.status, body.error);
  } catch { /* not JSON: a proxy's page, say */ }
  return new ApiError(response.status, { message: `HTTP ${response.status} ${text.slice(0, 200)}`.trim() });
}

/** fetch() with the key; a 401 asks for a key and retries; a non-2xx answer throws an ApiError. */
export async function call(method, path, { json, body, signal, accept } = {}) {
  for (;;) {
    const extra = json === undefined ? {} : { "Content-Type": "application/json" };
    if (accept) extra.Accept = accept;
    let response;
    try {
      response = await fetch(path, {
        method, signal, headers: headers(extra), body: json === undefined ? body : JSON.stringify(json),
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, { message: t("web.network_error", { detail: error.message }) });
    }
    if (response.status === 401 && askForKey) {
      const failure = await errorOf(response);
      await askForKey(failure.message);
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

export const getJSON = async (path, options) => (await call("GET", path, options)).json();
export const sendJSON = async (method, path, json, options = {}) =>
  (await call(method, path, { ...options, json })).json();

/** The JSON events of a server-sent event stream; an in-band {"error": …} event is thrown, unless
 * `keepErrors` (an upload's refused file is one event among others: the next files still go in). */
export async function* events(response, { keepErrors = false } = {}) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (!data) continue;
      if (data === "[DONE]") return;
      const event = JSON.parse(data);
      if (event.error && !keepErrors) throw new ApiError(200, event.error);
      yield event;
    }
  }
}

/** Save a response body as a file (exports). */
export async function download(response, fallbackName) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
