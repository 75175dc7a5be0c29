// Skills at hand: a button or a slash command puts the composer in a skill's mode (with its few options);
// the text is then sent to POST /api/skills/{name} and the answer streams like a chat answer. Fix and
// optimize say whether their code was verified, with the diff; improve shows its diff.
import { call, events } from "./api.js";
import { currentLang, t } from "./i18n.js";
import { codeBlock, escapeHTML, inlineDiff } from "./markdown.js";
import { assistantMessage, markStopped, setFacts, showError as showInline, showText, userMessage } from "./messages.js";
import { chosenModel } from "./prefs.js";
import { $, html, showError } from "./ui.js";

// field: the input that receives the composer's text; options: [name, values, label key, value key].
export const SKILLS = {
  draft: { field: "points", options: [["kind", ["email", "sms", "letter", "post"]], ["tone", ["friendly", "formal", "firm"]]] },
  improve: { field: "text", options: [["mode", ["proofread", "rewrite"]]] },
  translate: { field: "text", options: [["target", ["en", "fr", "es", "de", "it", "pt"]]] },
  summarize: { field: "text", options: [["length", ["paragraph", "line", "bullets"]]] },
  story: { field: "theme", options: [["age", ["6", "4", "8", "10", "12"]]] },
  code: { field: "description", options: [["language", ["python", "javascript", "bash"]]] },
  fix: { field: "code", options: [] },
  optimize: { field: "code", options: [] },
};
// The width under which the composer's long hint no longer fits one line (the CSS's phone layout).
const NARROW = window.matchMedia("(max-width: 600px)");
const OPTION_LABEL = { kind: "web.opt_kind", tone: "web.opt_tone", mode: "web.opt_mode", target: "web.opt_target",
  length: "web.opt_length", age: "web.opt_age", language: "web.opt_language" };

function valueLabel(option, value) {
  if (option === "target") return t(`web.lang_${value}`);
  if (option === "age") return t("web.opt_age_value", { age: value });
  if (option === "language") return value;
  return t(`web.opt_${value}`);
}

/** Translate into the other language of the interface; otherwise the first choice. */
function defaultValue(option, choices) {
  if (option === "target") return currentLang() === "fr" ? "en" : "fr";
  return choices[0];
}

/** "résumer" and "resumer" alike: a command typed without its accents still works. */
const bare = (word) => word.toLowerCase().normalize("NFD").replace(/\p{Diacritic}/gu, "");

/** The skill named by a slash command, in either language ("/traduire" or "/translate"), accents optional. */
export function parseSlash(text) {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
  if (!match) return null;
  const word = match[1].toLowerCase();
  const name = Object.keys(SKILLS).find((skill) => [skill, t(`web.slash_${skill}`)].map(bare).includes(bare(word)));
  return { name, word, rest: match[2] };
}

export const slashList = () => Object.keys(SKILLS).map((name) => `/${t(`web.slash_${name}`)}`).join(" ");

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
    for (const name of Object.keys(SKILLS)) {
      const chip = html(`<button type="button" class="skill-chip" data-skill="${name}" aria-pressed="false"></button>`);
      chip.textContent = t(`web.skill_${name}`);
      chip.title = `/${t(`web.slash_${name}`)}`;
      chip.addEventListener("click", () => (this.name === name ? this.leave() : this.enter(name)));
      bar.append(chip);
    }
    if (this.name) this.enter(this.name, this.values());
    else this.showPlaceholder();
  }

  /** The composer's hint: the skill's own, else the long one, or the short one where the long would be cut. */
  showPlaceholder() {
    if (this.name) this.input.placeholder = t(`web.hint_${this.name}`);
    else this.input.placeholder = t(NARROW.matches ? "web.composer_placeholder_short" : "web.composer_placeholder");
  }

  values() {
    return Object.fromEntries([...this.box.querySelectorAll("select")].map((s) => [s.name, s.value]));
  }

  enter(name, values = {}) {
    this.name = name;
    this.box.replaceChildren(html(`<span class="mode-chip"><span data-icon="sparkle"></span></span>`));
    this.box.firstChild.append(t(`web.skill_${name}`));
    for (const [option, choices] of SKILLS[name].options) {
      const label = html(`<label class="mode-option"><span></span><select name="${option}"></select></label>`);
      label.querySelector("span").textContent = t(OPTION_LABEL[option]);
      const select = label.querySelector("select");
      for (const value of choices) select.append(new Option(valueLabel(option, value), value));
      select.value = values[option] ?? defaultValue(option, choices);
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
    const spec = SKILLS[name];
    const body = { [spec.field]: text, stream: true, model: chosenModel() };
    for (const [option, choices] of spec.options) {
      const value = values[option] ?? defaultValue(option, choices); // a slash command sets no options
      body[option] = option === "age" ? Number(value) : value;
    }
    if (name === "story") body.lang = currentLang();
    const question = chat.append(userMessage(text));
    question.classList.add("skill");
    question.querySelector(".action-edit").remove();
    const answer = chat.append(assistantMessage({ model: chosenModel() }));
    answer.classList.add("skill");
    answer.dataset.skill = name;
    const head = answer.querySelector(".skill-head");
    head.hidden = false;
    head.textContent = `${t(`web.skill_${name}`)}${spec.options.length ? " · " : ""}${spec.options.map(([o]) => valueLabel(o, String(body[o]))).join(" · ")}`;
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
        else if (event.type === "result") { answer.querySelector(".draft")?.remove(); showResult(answer, name, event.output); }
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

/** The structured result replaces the streamed draft. */
function showResult(answer, name, out) {
  const extra = [];
  let text = out.text ?? "";
  if (name === "story") text = `### ${out.title}\n\n${out.text}`;
  if (name === "summarize" && out.bullets?.length) text = out.bullets.map((b) => `- ${b}`).join("\n");
  if (name === "draft" && out.subject) text = `**${out.subject}**\n\n${out.text}`;
  if (["code", "fix", "optimize"].includes(name)) text = out.explanation || out.reason || "";
  if (name === "improve") extra.push(diffSection(out.diff, false));
  if (name === "fix") extra.push(verdictBadge(out.verified, out.verdict), codeBlock(out.code, "python"), diffSection(out.diff));
  if (name === "optimize") {
    const speed = out.faster && out.speedup ? t("web.speedup", { speedup: out.speedup.toFixed(1) }) : out.reason || "";
    extra.push(verdictBadge(out.verified, speed), codeBlock(out.code, "python"), diffSection(out.diff || out.proposed_diff));
  }
  if (name === "code") {
    extra.push(codeBlock(out.code || "", out.language || "python"));
    if (out.error) extra.push(Object.assign(document.createElement("p"), { className: "message-error", textContent: out.error }));
  }
  extra.push(warningsList(out.warnings));
  showText(answer, text, true);
  answer.answer.text = text || out.code || "";
  const box = answer.querySelector(".skill-result");
  box.replaceChildren(...extra.filter(Boolean));
  box.hidden = false;
}

export { escapeHTML };
