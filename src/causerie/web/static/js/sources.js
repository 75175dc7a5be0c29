// An answer grounded on documents: its [1], [2] markers become buttons, a "Sources" list follows it (the cited
// ones stand out), and either opens the passage in a side panel (its text, label, whether the answer cites
// it), with the neighbouring passages of its document on demand (GET …/documents/{id}/passages).
import { collectionsApi } from "./collections.js";
import { t } from "./i18n.js";
import { $, html } from "./ui.js";

// The markers documents/grounding.py counts as citations: [1], [2][3], [1, 2].
const CITATION = /\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]/g;
const NOT_HERE = "code, pre, a, button"; // a [1] in code is code, not a citation
const panel = () => $("#passage-panel");
let opened = null; // {trigger, source}

const numbersOf = (match) => match[1].split(/\s*[,;]\s*/).map(Number);

/** The indexes `text` cites, within 1..count. */
export function citedIndexes(text, count) {
  const found = new Set();
  for (const match of (text || "").matchAll(CITATION)) {
    for (const n of numbersOf(match)) if (n >= 1 && n <= count) found.add(n);
  }
  return found;
}

/** Whether the answer `el` cites `source`: the server says so at the end; a stopped answer, by its text. */
const isCited = (el, source) => source.cited || citedIndexes(el.answer.text, el.answer.sources.length).has(source.index);

function citeButton(source) {
  const button = html(`<button type="button" class="cite" aria-controls="passage-panel" aria-expanded="false"></button>`);
  button.dataset.cite = source.index;
  button.textContent = String(source.index);
  button.title = source.label;
  button.setAttribute("aria-label", t("web.cite_label", { index: source.index, label: source.label }));
  return button;
}

/** Turn the [n] of `content` (the answer's rendered Markdown) into buttons opening source n. */
export function decorateCitations(content, sources) {
  const byIndex = new Map(sources.map((source) => [source.index, source]));
  const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.data.includes("[") && !node.parentElement.closest(NOT_HERE)
      ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.data;
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(CITATION)) {
      const numbers = numbersOf(match);
      if (!numbers.every((n) => byIndex.has(n))) continue; // "[2024]" is not a source
      parts.push(text.slice(last, match.index), ...numbers.map((n) => citeButton(byIndex.get(n))));
      last = match.index + match[0].length;
    }
    if (!parts.length) continue;
    parts.push(text.slice(last));
    node.replaceWith(...parts.filter((part) => part !== ""));
  }
}

/** The "Sources" list under a finished answer (none for an answer without sources). */
export function showSources(el) {
  el.querySelector(".sources")?.remove();
  const sources = el.answer.sources;
  if (!sources?.length) return;
  const box = html(`<section class="sources"><p class="sources-title" data-i18n="web.sources"></p><ol class="sources-list"></ol></section>`);
  box.setAttribute("aria-label", t("web.sources"));
  for (const source of sources) {
    const cited = isCited(el, source);
    const item = html(`<li><button type="button" class="source" aria-controls="passage-panel" aria-expanded="false">
      <span class="source-n"></span><span class="source-label"></span><span class="source-state"></span></button></li>`);
    const button = item.firstElementChild;
    button.dataset.cite = source.index;
    button.classList.toggle("cited", cited);
    button.querySelector(".source-n").textContent = String(source.index);
    button.querySelector(".source-label").textContent = source.label;
    button.querySelector(".source-state").textContent = t(cited ? "web.source_cited" : "web.source_not_cited");
    box.querySelector("ol").append(item);
  }
  el.querySelector(".content").after(box);
}

function setExpanded(trigger, expanded) {
  trigger?.setAttribute("aria-expanded", String(expanded));
}

/** Show `source` of the answer `el` in the side panel; `trigger` gets the focus back when it closes. */
export function openPassage(el, source, trigger) {
  const cited = isCited(el, source);
  setExpanded(opened?.trigger, false);
  opened = { trigger, source };
  setExpanded(trigger, true);
  $("#passage-heading").textContent = t("web.passage_heading", { index: source.index });
  $("#passage-label").textContent = source.label;
  const title = source.title && source.title !== source.filename ? source.title : null;
  $("#passage-meta").textContent = [t("web.passage_collection", { name: source.collection }), title].filter(Boolean).join(" · ");
  $("#passage-state").textContent = t(cited ? "web.passage_cited" : "web.passage_not_cited");
  panel().classList.toggle("not-cited", !cited);
  $("#passage-text").hidden = false;
  $("#passage-text").textContent = source.text;
  $("#passage-more").hidden = false;
  $("#passage-neighbours").hidden = true;
  $("#passage-error").hidden = true;
  if (!panel().open) panel().show();
  panel().scrollTop = 0;
  $("#passage-close").focus(); // into the panel (its heading names it); Escape or close gives it back
}

export function closePassage() {
  if (!panel().open) return;
  panel().close();
  setExpanded(opened?.trigger, false);
  if (opened?.trigger?.isConnected) opened.trigger.focus();
  opened = null;
}

function neighbour(passage, current) {
  const li = html(`<li class="neighbour"><p class="neighbour-meta"></p><p class="neighbour-text"></p></li>`);
  const where = [passage.page ? t("web.passage_page", { page: passage.page }) : null,
    passage.heading ? `§ ${passage.heading.split(" › ").pop()}` : null].filter(Boolean).join(", ");
  li.querySelector(".neighbour-meta").textContent = where;
  li.querySelector(".neighbour-meta").hidden = !where;
  li.querySelector(".neighbour-text").textContent = passage.text;
  if (current) li.classList.add("current"), li.setAttribute("aria-current", "true");
  return li;
}

/** The passage before and after this one in its document, around it. */
async function showNeighbours() {
  const { source } = opened || {};
  if (!source) return;
  try {
    const passages = await collectionsApi.passages(source.collection, source.document_id);
    const at = passages.findIndex((p) => p.chunk_id === source.chunk_id);
    const around = at < 0 ? [] : passages.slice(Math.max(0, at - 1), at + 2);
    const list = $("#passage-neighbours");
    list.replaceChildren(...around.map((p) => neighbour(p, p.chunk_id === source.chunk_id)));
    list.hidden = !around.length;
    $("#passage-text").hidden = around.length > 0;
    $("#passage-more").hidden = true;
    list.querySelector(".current")?.scrollIntoView({ block: "nearest" });
  } catch (error) {
    $("#passage-error").hidden = false;
    $("#passage-error").textContent = error.message;
  }
}

/** One listener for every marker and source in the conversation, and the panel's own controls. */
export function handleSourceClicks(log) {
  log.addEventListener("click", (event) => {
    const button = event.target.closest(".cite, .source");
    const el = button?.closest(".message");
    const source = el?.answer?.sources?.find((s) => String(s.index) === button.dataset.cite);
    if (!source) return;
    if (opened?.trigger === button && panel().open) return closePassage();
    openPassage(el, source, button);
  });
  $("#passage-close").addEventListener("click", closePassage);
  $("#passage-more").addEventListener("click", showNeighbours);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel().open && !document.querySelector("dialog[open]:modal")) closePassage();
  });
}
