// Files going into a collection: one request a file (so that a refused one stops nothing else, and a 413 is
// that file's), each answering server-sent progress; a row a file shows its stage, done/total and percent,
// then the pages and passages it gave, or the server's own words for why it was refused.
import { call, events } from "./api.js";
import { collectionsApi, documentDetails } from "./collections.js";
import { t } from "./i18n.js";
import { $, html } from "./ui.js";

function row(file) {
  const li = html(`<li class="upload-row" data-state="waiting">
    <span class="upload-icon" data-icon="file" aria-hidden="true"></span>
    <div class="upload-main">
      <div class="upload-line"><span class="upload-name"></span><span class="upload-status"></span></div>
      <progress max="100" value="0"></progress>
      <p class="upload-error" role="alert" hidden></p>
      <ul class="upload-warnings" hidden></ul>
    </div></li>`);
  li.querySelector(".upload-name").textContent = file.name;
  li.querySelector(".upload-status").textContent = t("web.docs_waiting");
  li.querySelector("progress").setAttribute("aria-label", t("web.docs_file_progress", { name: file.name }));
  return li;
}

function setStatus(li, state, text, percent) {
  li.dataset.state = state;
  li.querySelector(".upload-status").textContent = text;
  const bar = li.querySelector("progress");
  if (percent === null) bar.removeAttribute("value"); // indeterminate: a stage of unknown length
  else bar.value = percent;
}

function showProgress(li, event) {
  if (!event.total) return setStatus(li, "working", `${event.stage}…`, null);
  const percent = Math.min(100, Math.round((100 * event.done) / event.total));
  setStatus(li, "working", t("web.docs_progress", { stage: event.stage, done: event.done, total: event.total, percent }), percent);
}

function showDocument(li, doc) {
  const details = documentDetails(doc);
  setStatus(li, "done", t(doc.status === "unchanged" ? "web.docs_unchanged" : "web.docs_added", { details }), 100);
  const warnings = li.querySelector(".upload-warnings");
  for (const warning of doc.warnings || []) {
    warnings.append(Object.assign(document.createElement("li"), { textContent: t("web.docs_unread", { detail: warning }) }));
  }
  warnings.hidden = !warnings.childElementCount;
}

function showFailure(li, message) {
  setStatus(li, "error", "", 0);
  const line = li.querySelector(".upload-error");
  line.hidden = false;
  line.textContent = message;
}

async function sendOne(collection, file, li, signal) {
  const form = new FormData();
  form.append("stream", "true");
  form.append("file", file, file.name);
  setStatus(li, "working", t("web.docs_sending"), null);
  const response = await call("POST", collectionsApi.uploadPath(collection), { body: form, accept: "text/event-stream", signal });
  let outcome = null;
  for await (const event of events(response, { keepErrors: true })) {
    if (event.type === "progress") showProgress(li, event);
    else if (event.type === "document") { showDocument(li, event); outcome = event; }
    else if (event.type === "error") showFailure(li, event.error?.message || "?");
  }
  return outcome;
}

/** Upload `files` to `collection`, shown as a batch in `container`; resolves to the documents added. With
 * `fadeAfter` (ms), a batch where every file went in goes away by itself; one with a refused file stays. */
export async function uploadFiles(collection, files, container, { fadeAfter = 0 } = {}) {
  const controller = new AbortController();
  const batch = html(`<section class="upload-batch">
    <div class="upload-head"><strong></strong>
      <button type="button" class="icon-button upload-close" data-icon="close"></button></div>
    <ul class="upload-rows" aria-live="polite"></ul></section>`);
  batch.querySelector("strong").textContent = t("web.docs_uploading", { name: collection });
  const close = batch.querySelector(".upload-close");
  close.setAttribute("aria-label", t("web.docs_uploads_close"));
  close.title = t("web.docs_uploads_close");
  const remove = () => {
    controller.abort();
    batch.remove();
    container.hidden = !container.childElementCount;
  };
  close.addEventListener("click", remove);
  const rows = [...files].map(row);
  batch.querySelector(".upload-rows").append(...rows);
  container.append(batch);
  container.hidden = false;
  const added = [];
  for (const [index, file] of [...files].entries()) {
    try {
      const doc = await sendOne(collection, file, rows[index], controller.signal);
      if (doc) added.push(doc);
    } catch (error) {
      if (error.name === "AbortError") break;
      showFailure(rows[index], error.message);
    }
  }
  batch.dataset.done = "true";
  if (fadeAfter && !batch.querySelector("[data-state=error]")) setTimeout(remove, fadeAfter);
  return added;
}

/** Ask the browser for files (the documents' picker, several at once); [] when the person cancels. */
export function pickFiles() {
  const input = $("#doc-file-input");
  return new Promise((resolve) => {
    input.value = "";
    input.onchange = () => resolve([...input.files]);
    input.oncancel = () => resolve([]);
    input.click();
  });
}
