// The open conversation: its messages, sending and streaming an answer, stop, regenerate, edit-and-resend.
// Everything goes through /api/conversations, so the history is the store's, not the page's.
import { call, events, getJSON, sendJSON } from "./api.js";
import { collections } from "./collections.js";
import { t } from "./i18n.js";
import { assistantMessage, markStopped, setFacts, showError as showInline, showText, storedAnswer, userMessage }
  from "./messages.js";
import { chosenModel, prefs } from "./prefs.js";
import { startReading } from "./speech.js";
import { $, html, showError } from "./ui.js";

export class Chat {
  constructor({ onChanged, onBusy, onConversation = () => {} }) {
    this.log = $("#messages");
    this.conversation = null; // {id, title, …} once the first message is sent
    this.controller = null; // aborts the answer being streamed
    this.onChanged = onChanged; // the list must refresh (new conversation, new title)
    this.onBusy = onBusy;
    this.onConversation = onConversation; // opened, created (true) or cleared (null): the documents follow
  }

  get busy() { return this.controller !== null; }

  clear() {
    this.stop();
    this.conversation = null;
    this.onConversation(null);
    for (const el of this.log.querySelectorAll(".message, .skill-note")) el.remove();
    $("#empty").hidden = false;
    $("#chat-title").textContent = "";
    if (location.hash) history.replaceState(null, "", location.pathname);
  }

  /** Show a stored conversation (its id is kept in the URL, so a reload comes back to it). */
  async open(id) {
    const detail = await getJSON(`/api/conversations/${encodeURIComponent(id)}`);
    this.clear();
    this.conversation = detail;
    this.onConversation(detail);
    $("#chat-title").textContent = detail.title || t("web.untitled");
    history.replaceState(null, "", `#${detail.id}`);
    for (const message of detail.messages) {
      const el = message.role === "user" ? userMessage(message.content) : storedAnswer(message);
      el.dataset.id = message.id;
      this.append(el);
    }
    if (detail.model) $("#model").value = detail.model;
    this.markLast();
    this.scroll(true);
  }

  append(el) {
    $("#empty").hidden = true;
    this.log.append(el);
    return el;
  }

  scroll(force = false) {
    const nearBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 160;
    if (force || nearBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  /** Only the last answer can be regenerated. */
  markLast() {
    const answers = this.log.querySelectorAll(".message.assistant:not(.skill)");
    answers.forEach((el, i) => { el.querySelector(".action-regenerate").hidden = i !== answers.length - 1 || !el.dataset.id; });
  }

  async ensureConversation() {
    if (this.conversation) return this.conversation;
    const body = { model: chosenModel(), ...(prefs.system ? { system_prompt: prefs.system } : {}), ...collections.forCreate() };
    this.conversation = await sendJSON("POST", "/api/conversations", body);
    this.onConversation(this.conversation, true);
    history.replaceState(null, "", `#${this.conversation.id}`);
    this.onChanged();
    return this.conversation;
  }

  async send(text) {
    if (this.busy || !text.trim()) return;
    const question = this.append(userMessage(text));
    try {
      await this.ensureConversation();
    } catch (error) {
      question.remove();
      throw error;
    }
    await this.stream(question, text);
  }

  /** POST the question and stream the answer into a new message; stop() aborts it. */
  async stream(question, text) {
    const answer = this.append(assistantMessage({ model: chosenModel() }));
    this.scroll(true);
    this.controller = new AbortController();
    this.onBusy(true);
    let received = "";
    let frame = 0;
    try {
      const response = await call("POST", `/api/conversations/${this.conversation.id}/messages`, {
        json: { content: text, stream: true, model: chosenModel(), ...collections.forMessage() },
        signal: this.controller.signal,
      });
      for await (const event of events(response)) {
        if (event.type === "start") {
          question.dataset.id = event.user_message.id;
          answer.dataset.id = event.assistant_message.id;
          answer.answer.sources = event.assistant_message.sources ?? null; // numbered now, cited at the end
          setFacts(answer, event.causerie);
        } else if (event.type === "delta") {
          received += event.content;
          answer.answer.text = received; // at once: a reader started now must not miss this delta
          answer.reader?.push(event.content);
          if (!frame) frame = requestAnimationFrame(() => { frame = 0; showText(answer, received, false); this.scroll(); });
        } else if (event.type === "end") {
          answer.answer.message = event.message;
          if (event.message.sources) answer.answer.sources = event.message.sources;
        }
      }
      cancelAnimationFrame(frame);
      showText(answer, received, true);
    } catch (error) {
      cancelAnimationFrame(frame);
      showText(answer, received, true);
      if (error.name === "AbortError") markStopped(answer);
      else {
        showInline(answer, error.message);
        showError(error);
      }
    } finally {
      answer.reader?.finish();
      this.controller = null;
      this.onBusy(false);
      this.markLast();
      this.scroll();
      if (this.conversation && !this.conversation.title) this.refreshTitle();
    }
  }

  stop() {
    this.controller?.abort();
  }

  async refreshTitle() {
    const fresh = await getJSON(`/api/conversations/${this.conversation.id}`).catch(() => null);
    if (!fresh) return;
    this.conversation = { ...this.conversation, title: fresh.title };
    $("#chat-title").textContent = fresh.title || t("web.untitled");
    this.onChanged();
  }

  /** Drop `fromEl`'s message and all later ones on the server, then in the page. */
  async truncate(fromEl) {
    await call("DELETE", `/api/conversations/${this.conversation.id}/messages?from=${fromEl.dataset.id}`);
    let el = fromEl;
    while (el) {
      const next = el.nextElementSibling;
      if (el.classList.contains("message")) el.remove();
      el = next;
    }
  }

  async regenerate(answerEl) {
    if (this.busy) return;
    const question = answerEl.previousElementSibling;
    if (!question?.classList.contains("user")) return;
    const text = question.dataset.text;
    await this.truncate(question);
    await this.stream(this.append(userMessage(text)), text);
  }

  /** Turn the question into an editor; on resend, the conversation restarts from there. */
  edit(questionEl) {
    if (this.busy || questionEl.querySelector("textarea")) return;
    const bubble = questionEl.querySelector(".bubble");
    const editor = html(`<div class="editor"><textarea rows="3"></textarea><div class="editor-actions">
      <button type="button" class="ghost-button" data-i18n="web.cancel"></button>
      <button type="button" class="primary-button" data-i18n="web.send_edit"></button></div></div>`);
    const area = editor.querySelector("textarea");
    area.value = questionEl.dataset.text;
    area.setAttribute("aria-label", t("web.edit"));
    bubble.hidden = true;
    questionEl.append(editor);
    area.focus();
    const [cancel, resend] = editor.querySelectorAll("button");
    const close = () => { editor.remove(); bubble.hidden = false; };
    cancel.addEventListener("click", close);
    const submit = async () => {
      const text = area.value.trim();
      if (!text) return;
      close();
      try {
        await this.truncate(questionEl);
        await this.stream(this.append(userMessage(text)), text);
      } catch (error) { showError(error); }
    };
    resend.addEventListener("click", submit);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
      if (event.key === "Escape") close();
    });
  }

  /** Read an answer aloud; while it still streams, sentences are queued as they arrive. */
  read(answerEl) {
    const reader = startReading(prefs.voice);
    const streaming = answerEl.getAttribute("aria-busy") === "true";
    reader.push(answerEl.answer.text);
    if (streaming) {
      answerEl.reader = reader;
      reader.onend = () => { if (answerEl.reader === reader) answerEl.reader = null; };
    } else reader.finish();
  }
}
