// Attaching files to the conversation: the paperclip's menu (add to the documents, read a text file into the
// message, the collections the answers draw on, the Documents panel) and files dropped on the conversation.
// Documents go to the conversation's collection (collections.target), with their progress above the composer.
import { collections, renderChips } from "./collections.js";
import { acceptedSuffixes } from "./documents.js";
import { t } from "./i18n.js";
import { $, html, showError } from "./ui.js";
import { pickFiles, uploadFiles } from "./uploads.js";

const FADE_MS = 8000; // a batch of files all added leaves the composer by itself; a refusal stays to be read

export class Attach {
  /** `chat`: the open conversation (its title names a new collection); `panel`: the Documents dialog. */
  constructor({ chat, panel }) {
    this.chat = chat;
    this.panel = panel;
    this.button = $("#attach");
    this.menu = $("#attach-menu");
    this.button.addEventListener("click", () => (this.menu.hidden ? this.openMenu() : this.closeMenu()));
    this.menu.addEventListener("click", (event) => this.onMenu(event));
    this.menu.addEventListener("keydown", (event) => this.onMenuKey(event));
    collections.onChange(() => { renderChips(); if (!this.menu.hidden) this.renderMenu(); });
    this.wireDrop();
  }

  /** Whether `file` is a document the collections accept (by its name: the server checks the bytes). */
  accepts(file) {
    const name = file.name.toLowerCase();
    return acceptedSuffixes().some((suffix) => name.endsWith(suffix));
  }

  renderMenu() {
    const focused = this.menu.contains(document.activeElement) ? document.activeElement : null;
    const items = [
      html(`<button type="button" role="menuitem" data-action="documents"><span data-icon="upload" aria-hidden="true"></span><span data-i18n="web.docs_attach_documents"></span></button>`),
      html(`<button type="button" role="menuitem" data-action="text"><span data-icon="paperclip" aria-hidden="true"></span><span data-i18n="web.docs_attach_text"></span></button>`),
    ];
    if (collections.all.length) {
      const group = html(`<div class="menu-group" role="group"><p class="menu-label" aria-hidden="true" data-i18n="web.docs_choose"></p></div>`);
      group.setAttribute("aria-label", t("web.docs_choose"));
      for (const { name } of collections.all) {
        const item = html(`<button type="button" role="menuitemcheckbox" data-action="use"><span class="check" aria-hidden="true"></span><span></span></button>`);
        item.dataset.name = name;
        item.lastElementChild.textContent = name;
        item.setAttribute("aria-checked", String(collections.chosen.includes(name)));
        group.append(item);
      }
      items.push(group);
    }
    items.push(html(`<button type="button" role="menuitem" data-action="manage"><span data-icon="files" aria-hidden="true"></span><span data-i18n="web.docs_manage"></span></button>`));
    this.menu.replaceChildren(...items);
    if (focused) this.itemLike(focused)?.focus(); // a refresh re-renders the menu under the keyboard
  }

  itemLike(item) {
    const name = item.dataset.name ? `[data-name="${CSS.escape(item.dataset.name)}"]` : "";
    return this.menu.querySelector(`[data-action=${item.dataset.action}]${name}`);
  }

  async openMenu() {
    this.renderMenu();
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.menu.querySelector("button").focus();
    await collections.refresh().catch(() => {}); // fresh counts; the menu re-renders when they come
  }

  closeMenu(focus = true) {
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (focus) this.button.focus();
  }

  items() { return [...this.menu.querySelectorAll("button")]; }

  onMenuKey(event) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    const go = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (go !== undefined) {
      event.preventDefault();
      items[(go + items.length) % items.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.closeMenu();
    } else if (event.key === "Tab") this.closeMenu(false);
  }

  async onMenu(event) {
    const item = event.target.closest("button[data-action]");
    if (!item) return;
    const { action } = item.dataset;
    if (action === "use") {
      const on = item.getAttribute("aria-checked") !== "true";
      return collections.choose(item.dataset.name, on); // re-rendered, the focus kept on it
    }
    this.closeMenu(action !== "manage");
    if (action === "text") $("#file-input").click();
    else if (action === "manage") this.panel.show();
    else if (action === "documents") this.addFiles(await pickFiles());
  }

  /** Upload `files` to the conversation's collection; its chip shows the conversation will answer from it. */
  async addFiles(files) {
    if (!files.length) return;
    try {
      const name = await collections.target(this.chat.conversation?.title);
      await uploadFiles(name, files, $("#uploads"), { fadeAfter: FADE_MS });
      await collections.refresh();
    } catch (error) {
      showError(error);
    }
  }

  /** Files dropped on the conversation (not on the message box, which reads a text file into the message). */
  wireDrop() {
    const area = $("#chat");
    const hint = $("#doc-drop-hint");
    const outside = (event) => event.target.closest?.("#composer-box");
    const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    area.addEventListener("dragover", (event) => {
      if (outside(event) || !hasFiles(event)) return void (hint.hidden = true);
      event.preventDefault();
      const messages = $("#messages");
      Object.assign(hint.style, { top: `${messages.offsetTop}px`, height: `${messages.offsetHeight}px` });
      hint.hidden = false;
    });
    area.addEventListener("dragleave", (event) => { if (!area.contains(event.relatedTarget)) hint.hidden = true; });
    area.addEventListener("drop", (event) => {
      hint.hidden = true;
      if (outside(event)) return;
      event.preventDefault();
      this.addFiles([...(event.dataTransfer?.files || [])]);
    });
  }
}
