// Skills at hand: a button or a slash command puts the composer in a skill's mode (with its few options);
// the text is then sent to POST /api/skills/{name} and the answer streams like a chat answer. Fix and
// optimize say whether their code was verified, with the diff; improve shows its diff.
import { call, events, getJSON } from "./api.js";
import { t } from "./i18n.js";
import { codeBlock, escapeHTML, inlineDiff } from "./markdown.js";
import { assistantMessage, markStopped, setFacts, showError as showInline, showText, userMessage } from "./messages.js";
import { chosenModel } from "./prefs.js";
import { $, html, showError } from "./ui.js";

// Every registered skill's face, from GET /api/skills in the interface's language: its label, hint, slash
// words, the field its text goes to, and its options (label, choices with labels, default). Nothing here
// names a skill: a third-party skill appears like the built-in ones.
export const SKILLS = new Map();
// The width under which the composer's long hint no longer fits one line (the CSS's phone layout).
const NARROW = window.matchMedia("(max-width: 600px)");

export async function loadSkills() {
  const list = await getJSON("/api/skills");
  SKILLS.clear();
  for (const skill of list.data) SKILLS.set(skill.name, skill.face);
}

const choiceLabel = (option, value) => option.choices.find((c) => String(c.value) === String(value))?.label ?? String(value);
// A <select> holds strings: the option's own value (a number for an age) goes back into the request.
const choiceValue = (option, value) => option.choices.find((c) => String(c.value) === String(value))?.value ?? value;

/** "résumer" and "resumer" alike: a command typed without its accents still works. */
const bare = (word) => word.toLowerCase().normalize("NFD").replace(/\p{Diacritic}/gu, "");

/** The skill named by a slash command, in either language ("/traduire" or "/translate"), accents optional. */
export function parseSlash(text) {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
  if (!match) return null;
  const word = match[1].toLowerCase();
  const name = [...SKILLS].find(([skill, face]) => [skill, ...face.slash].map(bare).includes(bare(word)))?.[0];
  return { name, word, rest: match[2] };
}

export const slashList = () => [...SKILLS.values()].map((face) => `/${face.slash[0]}`).join(" ");

export class SkillMode {
  constructor(chat) {
    this.chat = chat;
    this.name = null;
    this.box = $("#skill-mode");
    this.input = $("#composer-input");
  }

  renderBar() {
    const bar = $("#skill-bar");
    bar.replaceChildren();
    for (const [name, face] of SKILLS) {
      const chip = html(`<button type="button" class="skill-chip" aria-pressed="false"></button>`);
      chip.dataset.skill = name;
      chip.textContent = face.label;
      chip.title = `/${face.slash[0]} · ${face.help}`;
      chip.addEventListener("click", () => (this.name === name ? this.leave() : this.enter(name)));
      bar.append(chip);
    }
    if (this.name) this.enter(this.name, this.values());
    else this.showPlaceholder();
  }

  /** The composer's hint: the skill's own, else the long one, or the short one where the long would be cut. */
  showPlaceholder() {
    if (this.name) this.input.placeholder = SKILLS.get(this.name)?.hint || "";
    else this.input.placeholder = t(NARROW.matches ? "web.composer_placeholder_short" : "web.composer_placeholder");
  }

  values() {
    return Object.fromEntries([...this.box.querySelectorAll("select")].map((s) => [s.name, s.value]));
  }

  enter(name, values = {}) {
    this.name = name;
    this.box.replaceChildren(html(`<span class="mode-chip"><span data-icon="sparkle"></span></span>`));
    this.box.firstChild.append(SKILLS.get(name).label);
    for (const option of SKILLS.get(name).options) {
      const label = html(`<label class="mode-option"><span></span><select></select></label>`);
      label.querySelector("span").textContent = option.label;
      label.title = option.help;
      const select = label.querySelector("select");
      select.name = option.name;
      for (const choice of option.choices) select.append(new Option(choice.label, String(choice.value)));
      select.value = String(values[option.name] ?? option.default ?? option.choices[0]?.value);
      this.box.append(label);
    }
    const leave = html(`<button type="button" class="icon-button" data-icon="close" data-i18n-attr="aria-label:web.skill_leave;title:web.skill_leave"></button>`);
    leave.addEventListener("click", () => this.leave());
    this.box.append(leave);
    this.box.hidden = false;
    this.showPlaceholder();
    for (const chip of document.querySelectorAll(".skill-chip")) chip.setAttribute("aria-pressed", String(chip.dataset.skill === name));
    this.input.focus();
  }

  leave() {
    this.name = null;
    this.box.hidden = true;
    this.showPlaceholder();
    for (const chip of document.querySelectorAll(".skill-chip")) chip.setAttribute("aria-pressed", "false");
  }

  /** Run the current skill on `text`; the result shows in the conversation view (not stored). */
  async run(text, name = this.name, values = this.values()) {
    const chat = this.chat;
    if (chat.busy) return;
    const face = SKILLS.get(name);
    const body = { [face.text_field]: text, stream: true, model: chosenModel() };
    for (const option of face.options) {
      const value = values[option.name] ?? option.default ?? option.choices[0]?.value; // a slash command sets none
      body[option.name] = choiceValue(option, value);
    }
    const question = chat.append(userMessage(text));
    question.classList.add("skill");
    question.querySelector(".action-edit").remove();
    const answer = chat.append(assistantMessage({ model: chosenModel() }));
    answer.classList.add("skill");
    answer.dataset.skill = name;
    const head = answer.querySelector(".skill-head");
    head.hidden = false;
    head.textContent = [face.label, ...face.options.map((option) => choiceLabel(option, body[option.name]))].join(" · ");
    head.title = t("web.skill_session_only");
    chat.scroll(true);
    await this.stream(answer, name, body);
  }

  async stream(answer, name, body) {
    const chat = this.chat;
    chat.controller = new AbortController();
    chat.onBusy(true);
    let text = "";
    try {
      const response = await call("POST", `/api/skills/${name}`, { json: body, signal: chat.controller.signal });
      for await (const event of events(response)) {
        if (event.type === "start") setFacts(answer, event.causerie);
        else if (event.type === "delta") {
          text += event.text;
          answer.answer.text = text;
          answer.reader?.push(event.text);
          showText(answer, text, false);
          chat.scroll();
        } else if (event.type === "draft") showDraft(answer, event.text);
        else if (event.type === "progress") { answer.querySelector(".draft")?.remove(); showProgress(answer, event); }
        else if (event.type === "result") { answer.querySelector(".draft")?.remove(); showResult(answer, event.view); }
      }
    } catch (error) {
      if (error.name === "AbortError") markStopped(answer);
      else { showInline(answer, error.message); showError(error); }
    } finally {
      answer.querySelector(".progress")?.remove();
      answer.querySelector(".draft")?.remove();
      answer.removeAttribute("aria-busy");
      answer.querySelector(".typing")?.remove();
      answer.reader?.finish();
      chat.controller = null;
      chat.onBusy(false);
      chat.scroll();
    }
  }
}

function showProgress(answer, event) {
  let line = answer.querySelector(".progress");
  if (!line) {
    line = html(`<p class="progress"></p>`);
    answer.querySelector(".skill-head").after(line);
  }
  line.textContent = event.total ? `${event.step}/${event.total} · ${event.message}` : event.message;  // total 0: before any counted step
}

// Text the skill is still checking (a proofread, a part's summary): shown muted as it comes, so long work
// visibly advances; the kept text replaces it.
function showDraft(answer, text) {
  let box = answer.querySelector(".draft");
  if (!box) {
    box = html(`<pre class="draft" aria-live="off"></pre>`);
    (answer.querySelector(".progress") ?? answer.querySelector(".skill-head")).after(box);
  }
  box.textContent += text;
  box.scrollTop = box.scrollHeight;
}

function verdictBadge(verified, extra = "") {
  const badge = html(`<p class="verdict ${verified ? "ok" : "ko"}"><strong></strong><span></span></p>`);
  badge.querySelector("strong").textContent = t(verified ? "web.verified" : "web.not_verified");
  badge.querySelector("span").textContent = extra;
  return badge;
}

function diffSection(content, unified = true) {
  const section = html(`<details class="diff" open><summary data-i18n="web.diff"></summary></details>`);
  if (!content?.trim()) section.append(html(`<p data-i18n="web.no_changes"></p>`));
  else if (unified) section.append(codeBlock(content, "diff"));
  else section.append(html(`<p class="word-diff">${inlineDiff(content)}</p>`));
  return section;
}

function warningsList(warnings = []) {
  if (!warnings.length) return null;
  const box = html(`<div class="warnings"><strong data-i18n="web.warnings"></strong><ul></ul></div>`);
  for (const warning of warnings) box.querySelector("ul").append(Object.assign(document.createElement("li"), { textContent: warning }));
  return box;
}

/** The result's view (the same shape for every skill) replaces the streamed text. */
function showResult(answer, view) {
  const text = view.title ? `### ${view.title}\n\n${view.text}` : view.text;
  const extra = [];
  if (view.verdict) extra.push(verdictBadge(view.verdict.ok, view.verdict.message));
  if (view.code) extra.push(codeBlock(view.code, view.language || "text"));
  if (view.diff !== null && view.diff !== undefined) extra.push(diffSection(view.diff, view.diff_style === "unified"));
  extra.push(warningsList(view.warnings));
  showText(answer, text, true);
  answer.answer.text = text || view.code || "";
  const box = answer.querySelector(".skill-result");
  box.replaceChildren(...extra.filter(Boolean));
  box.hidden = false;
}

export { escapeHTML };
