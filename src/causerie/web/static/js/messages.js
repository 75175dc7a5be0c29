// How one message looks: the question, or the answer with its AI-generated badge and its actions.
import { t } from "./i18n.js";
import { copyText, escapeHTML, flashCopied, renderMarkdown } from "./markdown.js";
import { cardFacts, server } from "./prefs.js";
import { decorateCitations, showSources } from "./sources.js";
import { html, showFacts } from "./ui.js";

const AVATAR = `<div class="avatar" aria-hidden="true"><span data-icon="sparkle"></span></div>`;

export function userMessage(text) {
  const el = html(`<article class="message user" aria-label="">
    <div class="bubble"><div class="content plain"></div></div>
    <div class="message-actions" role="group" data-i18n-attr="aria-label:web.message_actions">
      <button type="button" class="icon-button action-edit" data-icon="edit" data-i18n-attr="aria-label:web.edit;title:web.edit"></button>
    </div></article>`);
  el.setAttribute("aria-label", t("web.you"));
  el.querySelector(".content").textContent = text;
  el.dataset.text = text;
  return el;
}

/** An answer: `facts` are causerie's model facts (model, license, quantization, sha256, verified). */
export function assistantMessage(facts = {}) {
  const el = html(`<article class="message assistant" aria-busy="true">
    ${AVATAR}
    <div class="bubble">
      <div class="skill-head" hidden></div>
      <div class="content markdown"><span class="typing" aria-hidden="true"><i></i><i></i><i></i></span></div>
      <div class="skill-result" hidden></div>
      <p class="message-error" role="alert" hidden></p>
      <div class="message-foot">
        <button type="button" class="ai-badge" data-i18n-attr="title:web.ai_details">
          <span data-icon="sparkle"></span><span class="ai-label" data-i18n="web.ai_badge"></span><span class="ai-model"></span></button>
        <div class="message-actions" role="group" data-i18n-attr="aria-label:web.message_actions">
          <button type="button" class="icon-button action-copy" data-icon="copy" data-i18n-attr="aria-label:web.copy;title:web.copy"><span class="visually-hidden"></span></button>
          <button type="button" class="icon-button action-read" data-icon="volume" data-i18n-attr="aria-label:web.read_aloud;title:web.read_aloud"></button>
          <button type="button" class="icon-button action-regenerate" data-icon="refresh" hidden data-i18n-attr="aria-label:web.regenerate;title:web.regenerate"></button>
        </div>
      </div>
    </div></article>`);
  el.setAttribute("aria-label", t("web.assistant"));
  el.answer = { text: "", facts, message: null, sources: null }; // sources: a grounded answer's
  setFacts(el, facts);
  return el;
}

export function setFacts(el, facts) {
  el.answer.facts = { ...el.answer.facts, ...facts };
  el.querySelector(".ai-model").textContent = el.answer.facts.model ? ` · ${el.answer.facts.model}` : "";
}

/** Show `text` (the answer so far, or all of it when `final`). */
export function showText(el, text, final) {
  el.answer.text = text;
  const content = el.querySelector(".content");
  if (!text && !final) return;
  renderMarkdown(content, text, final);
  if (el.answer.sources?.length) decorateCitations(content, el.answer.sources);
  if (final) {
    el.removeAttribute("aria-busy");
    showSources(el);
  }
}

export function showError(el, message) {
  const box = el.querySelector(".message-error");
  box.hidden = false;
  box.textContent = message;
  el.querySelector(".typing")?.remove();
  el.removeAttribute("aria-busy");
}

/** An answer from the store, with its decoding settings, tokens and timings. */
export function storedAnswer(message) {
  const el = assistantMessage({ model: message.model, sha256: message.model_sha256 });
  el.answer.message = message;
  el.answer.sources = message.sources ?? null;
  el.dataset.id = message.id;
  showText(el, message.content, true);
  if (message.status === "interrupted") markStopped(el);
  if (message.status === "error" && message.error) showError(el, message.error);
  return el;
}

export function markStopped(el) {
  el.querySelector(".typing")?.remove();
  el.removeAttribute("aria-busy");
  if (el.querySelector(".stopped-note")) return;
  el.querySelector(".message-foot").before(html(`<p class="stopped-note" data-i18n="web.stopped"></p>`));
}

/** The facts behind the badge: which model and settings produced this answer. */
export function answerFacts(el) {
  const { facts, message } = el.answer;
  const model = facts.model || message?.model;
  const card = server.models.get(model)?.card || {};
  const decoding = message?.decoding && Object.keys(message.decoding).length
    ? Object.entries(message.decoding).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")
    : t("web.details_defaults");
  const usage = message?.usage;
  const timings = message?.timings;
  const facts2 = [
    [t("web.ai_badge"), "✓"],
    ...cardFacts(model).filter(([label]) => label !== t("card.source")),
    [t("card.license"), facts.license || card.license],
    [t("card.sha256"), facts.sha256 || message?.model_sha256 || card.sha256],
    [t("web.details_settings"), decoding],
    [t("web.details_tokens"), usage?.prompt_tokens != null ? `${usage.prompt_tokens} / ${usage.completion_tokens}` : null],
    [t("web.details_ttft"), timings?.ttft_ms != null ? `${Math.round(timings.ttft_ms)} ms` : null],
    [t("web.details_duration"), timings?.duration_ms != null ? `${(timings.duration_ms / 1000).toFixed(1)} s` : null],
  ];
  const seen = new Set();
  return facts2.filter(([label]) => !seen.has(label) && seen.add(label));
}

/** Clicks on a message's own buttons; `handlers` does regenerate, edit and read. */
export function handleMessageClicks(log, handlers) {
  log.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    const el = button?.closest(".message");
    if (!el) return;
    if (button.classList.contains("ai-badge")) showFacts(t("web.ai_details"), answerFacts(el));
    else if (button.classList.contains("action-copy")) {
      await copyText(el.answer.text);
      button.classList.add("done");
      setTimeout(() => button.classList.remove("done"), 1200);
      flashCopied(button);
    } else if (button.classList.contains("action-read")) handlers.read(el);
    else if (button.classList.contains("action-regenerate")) handlers.regenerate(el);
    else if (button.classList.contains("action-edit")) handlers.edit(el);
  });
}

export { escapeHTML };
