// Start-up and wiring: settings, language and theme first (no flash), then models, the list, the composer.
import { onUnauthorized, setApiKey } from "./api.js";
import { Attach } from "./attach.js";
import { Chat } from "./chat.js";
import { collections } from "./collections.js";
import { DocumentsPanel } from "./documents.js";
import { applyIcons } from "./icons.js";
import { setLang, t } from "./i18n.js";
import { handleCopyClicks } from "./markdown.js";
import { handleMessageClicks } from "./messages.js";
import { aboutModel, applyTheme, cardFacts, chosenModel, fillModelSelect, loadModels, prefs, server, wireSettings } from "./prefs.js";
import { Sidebar } from "./sidebar.js";
import { closePassage, handleSourceClicks } from "./sources.js";
import { loadSkills, parseSlash, SkillMode, SKILLS, slashList } from "./skills.js";
import { canDictate, toggleDictation, wirePlayer } from "./speech.js";
import { $, autoGrow, showError, showFacts, showNotice } from "./ui.js";

const input = $("#composer-input");
const chat = new Chat({
  onChanged: () => sidebar.refresh().catch(showError),
  onBusy: setBusy,
  onConversation: (conversation, created) => {
    collections.follow(conversation, created);
    if (!created) closePassage();
  },
});
const sidebar = new Sidebar(chat);
const skills = new SkillMode(chat);
const attach = new Attach({ chat, panel: new DocumentsPanel() });

function setBusy(busy) {
  $("#send").hidden = busy;
  $("#stop").hidden = !busy;
  document.body.classList.toggle("busy", busy);
  if (!busy) input.focus({ preventScroll: true });
}

// --- sign-in: any 401 opens the dialog; the key is kept in localStorage and sent as a bearer token ---
let signingIn = null;
onUnauthorized((message) => {
  signingIn ??= new Promise((resolve) => {
    const dialog = $("#login-dialog");
    const error = $("#login-error");
    error.hidden = !message;
    error.textContent = message || "";
    $("#login-key").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    const done = () => {
      const key = $("#login-key").value.trim();
      if (!key) return dialog.showModal(); // there is nothing to do here without a key
      dialog.removeEventListener("close", done);
      setApiKey(key);
      signingIn = null;
      resolve();
    };
    dialog.addEventListener("close", done);
  });
  return signingIn;
});

// --- the composer: Enter sends, Shift+Enter is a new line, "/" commands, files dropped or pasted ---
async function submit() {
  const text = input.value.trim();
  if (!text || chat.busy) return;
  dismissModelNotice();
  const slash = text.startsWith("/") ? parseSlash(text) : null;
  if (slash && !slash.name) return showError(new Error(t("web.slash_unknown", { name: slash.word, available: slashList() })));
  if (slash && !slash.rest.trim()) return skills.enter(slash.name), clearInput();
  clearInput();
  try {
    if (slash) await skills.run(slash.rest, slash.name, {});
    else if (skills.name) await skills.run(text);
    else await chat.send(text);
  } catch (error) {
    showError(error);
  }
}

function clearInput() {
  input.value = "";
  autoGrow(input);
}

function wireComposer() {
  $("#composer").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
    if (event.key === "Escape" && chat.busy) chat.stop();
    if (event.key === "Escape" && !chat.busy && skills.name && !input.value) skills.leave();
  });
  input.addEventListener("input", () => autoGrow(input));
  $("#stop").addEventListener("click", () => chat.stop());
  $("#file-input").addEventListener("change", (event) => { loadFile(event.target.files[0]); event.target.value = ""; });
  const box = $("#composer-box");
  box.addEventListener("dragover", (event) => { event.preventDefault(); $("#drop-hint").hidden = false; });
  box.addEventListener("dragleave", () => { $("#drop-hint").hidden = true; });
  box.addEventListener("drop", (event) => {
    event.preventDefault();
    $("#drop-hint").hidden = true;
    loadFile(event.dataTransfer.files[0]);
  });
  input.addEventListener("paste", (event) => {
    const file = event.clipboardData?.files?.[0];
    if (file) { event.preventDefault(); loadFile(file); }
  });
  for (const button of document.querySelectorAll(".suggestion")) {
    button.addEventListener("click", () => { input.value = button.textContent; submit(); });
  }
  if (canDictate()) {
    $("#dictate").hidden = false;
    $("#dictate").addEventListener("click", () => toggleDictation($("#dictate"), (text) => {
      input.value = `${input.value} ${text}`.trim();
      autoGrow(input);
      input.focus();
    }));
  }
}

/** A text file, dropped, pasted or attached, goes into the composer, ready to summarize or translate; a PDF,
 * DOCX or ODT goes to the conversation's documents instead. */
async function loadFile(file) {
  if (!file) return;
  const looksText = file.type.startsWith("text/") || /\.(txt|md|markdown|csv|json|html?|py|js|log)$/i.test(file.name);
  if (!looksText && attach.accepts(file)) return attach.addFiles([file]);
  if (!looksText) return showError(new Error(t("web.file_not_text", { name: file.name })));
  input.value = await file.text();
  autoGrow(input);
  const takesFiles = [...SKILLS].filter(([, face]) => face.files > 0).sort(([, a], [, b]) => b.files - a.files)
    .map(([name]) => name);
  if (!takesFiles.includes(skills.name) && takesFiles.length) skills.enter(takesFiles[0]);
  showNotice(t("web.file_loaded", { name: file.name, chars: input.value.length }));
}

function wireFrame() {
  $("#new-chat").addEventListener("click", () => {
    chat.clear();
    sidebar.markCurrent();
    document.body.classList.remove("sidebar-open");
    input.focus();
  });
  $("#sidebar-open").addEventListener("click", () => document.body.classList.add("sidebar-open"));
  $("#sidebar-close").addEventListener("click", () => document.body.classList.remove("sidebar-open"));
  $("#scrim").addEventListener("click", () => document.body.classList.remove("sidebar-open"));
  $("#model-info").addEventListener("click", () => showFacts(t("web.model_card"), cardFacts(chosenModel())));
  $("#info-close").addEventListener("click", () => $("#info-dialog").close());
  window.addEventListener("hashchange", () => openFromHash());
  handleCopyClicks($("#messages"));
  handleSourceClicks($("#messages"));
  handleMessageClicks($("#messages"), {
    read: (el) => chat.read(el),
    regenerate: (el) => chat.regenerate(el).catch(showError),
    edit: (el) => chat.edit(el),
  });
  wirePlayer();
  wireSettings({
    onChange: async () => {
      await loadSkills().catch(showError); // the skills' words, in the new language
      skills.renderBar();
      fillModelSelect($("#model"), chosenModel());
      showModelNotice();
      sidebar.render();
    },
    onLogout: () => { setApiKey(""); location.reload(); },
  });
}

// What the chosen model is good and weak at, once per model under the picker, until "Got it".
const NOTICE_SEEN = "causerie.modelNoticeSeen";

function showModelNotice() {
  const model = chosenModel();
  const card = server.models.get(model)?.card || {};
  $("#model-meta").textContent = [card.parameters, card.quantization].filter(Boolean).join(" · ");
  const seen = JSON.parse(localStorage.getItem(NOTICE_SEEN) || "[]");
  const text = aboutModel(model);
  $("#model-notice").hidden = !text || seen.includes(model);
  $("#model-notice-text").textContent = text;
}

/** "Got it", or the first message sent: the note was seen, and it must not cover the conversation. */
function dismissModelNotice() {
  if ($("#model-notice").hidden) return;
  const seen = JSON.parse(localStorage.getItem(NOTICE_SEEN) || "[]");
  localStorage.setItem(NOTICE_SEEN, JSON.stringify([...new Set([...seen, chosenModel()])]));
  $("#model-notice").hidden = true;
}

function wireModelNotice() {
  $("#model-notice-ok").addEventListener("click", () => { dismissModelNotice(); input.focus(); });
  $("#model-notice-card").addEventListener("click", () => showFacts(t("web.model_card"), cardFacts(chosenModel())));
  $("#model").addEventListener("change", showModelNotice);
  window.matchMedia("(max-width: 600px)").addEventListener("change", () => skills.showPlaceholder());
}

async function openFromHash() {
  const id = location.hash.slice(1);
  if (!id || id === chat.conversation?.id) return;
  try {
    await chat.open(id);
  } catch (error) {
    chat.clear();
    showError(error);
  }
  sidebar.markCurrent();
}

async function start() {
  applyTheme();
  setLang(prefs.lang);
  applyIcons();
  skills.renderBar();
  wireComposer();
  wireFrame();
  wireModelNotice();
  try {
    await Promise.all([loadModels(), loadSkills(),
      collections.refresh().catch((error) => console.warn("causerie: no documents:", error.message))]);
    skills.renderBar();
    fillModelSelect($("#model"), prefs.model || chosenModel());
    showModelNotice();
    await sidebar.refresh();
    await openFromHash();
  } catch (error) {
    showError(error);
  }
  document.body.classList.add("ready");
  performance.mark("causerie-ready"); // read by bench/web_bench.py
  input.focus();
}

start();
