// The Documents panel (a modal dialog): the person's collections with their documents and passages, create
// one, delete one (confirmed), use one in the open conversation, open one to list its documents, add files
// to it, remove a document (confirmed). Errors show inside the dialog, in the server's words.
import { collections, collectionsApi, counted, documentDetails } from "./collections.js";
import { currentLang, t } from "./i18n.js";
import { humanSize } from "./prefs.js";
import { $, ask, html } from "./ui.js";
import { pickFiles, uploadFiles } from "./uploads.js";

/** ".pdf, .docx, …": the file picker's own list (its accept= is the server's formats.accept_attribute()). */
export function acceptedSuffixes() {
  return $("#doc-file-input").accept.split(",").filter((item) => item.startsWith("."));
}

export class DocumentsPanel {
  constructor() {
    this.dialog = $("#documents-dialog");
    this.shown = null; // the collection whose documents are listed; null: the list of collections
    $("#open-documents").addEventListener("click", () => this.show());
    $("#documents-close").addEventListener("click", () => this.dialog.close());
    $("#docs-create").addEventListener("submit", (event) => { event.preventDefault(); this.guard(() => this.create()); });
    $("#docs-back").addEventListener("click", () => this.showCollections(this.shown));
    $("#docs-add-files").addEventListener("click", () => this.guard(() => this.addFiles(this.shown)));
    $("#docs-collections").addEventListener("click", (event) => this.guard(() => this.onCollection(event)));
    $("#docs-documents").addEventListener("click", (event) => this.guard(() => this.onDocument(event)));
    collections.onChange(() => { if (this.dialog.open && this.shown === null) this.renderCollections(); });
  }

  async guard(action) {
    $("#docs-error").hidden = true;
    try {
      await action();
    } catch (error) {
      if (error?.name === "AbortError") return;
      $("#docs-error").hidden = false;
      $("#docs-error").textContent = error.message;
    }
  }

  async show() {
    document.body.classList.remove("sidebar-open");
    $("#docs-formats").textContent = t("web.docs_formats", { formats: acceptedSuffixes().join(", ") });
    this.showCollections();
    if (!this.dialog.open) this.dialog.showModal();
    $("#docs-new-name").focus();
    await this.guard(() => collections.refresh());
  }

  showCollections(focusName = null) {
    this.shown = null;
    $("#docs-documents-view").hidden = true;
    $("#docs-collections-view").hidden = false;
    this.renderCollections();
    const row = [...$("#docs-collections").children].find((li) => li.dataset.name === focusName);
    row?.querySelector(".docs-open").focus();
  }

  renderCollections() {
    const list = $("#docs-collections");
    list.replaceChildren();
    if (!collections.all.length) list.append(html(`<li class="list-empty" data-i18n="web.docs_none"></li>`));
    for (const collection of collections.all) list.append(this.collectionRow(collection));
  }

  collectionRow(collection) {
    const { name } = collection;
    const li = html(`<li class="docs-item">
      <button type="button" class="docs-open"><span data-icon="files" aria-hidden="true"></span>
        <span class="docs-text"><strong></strong><small></small></span></button>
      <button type="button" class="use-toggle" aria-pressed="false"><span data-i18n="web.docs_use"></span><span class="visually-hidden"></span></button>
      <button type="button" class="icon-button" data-action="upload" data-icon="upload"></button>
      <button type="button" class="icon-button danger" data-action="delete" data-icon="trash"></button></li>`);
    li.dataset.name = name;
    li.querySelector("strong").textContent = name;
    li.querySelector("small").textContent = [counted("web.docs_documents_", collection.documents),
      counted("web.docs_passages_", collection.chunks)].join(" · ");
    li.querySelector(".docs-open").setAttribute("aria-label", `${t("web.docs_show", { name })} (${li.querySelector("small").textContent})`);
    const use = li.querySelector(".use-toggle");
    use.setAttribute("aria-pressed", String(collections.chosen.includes(name)));
    use.querySelector(".visually-hidden").textContent = ` « ${name} »`;
    use.title = t("web.docs_use_title", { name });
    for (const [action, key] of [["upload", "web.docs_add_to"], ["delete", "web.docs_delete_collection"]]) {
      const button = li.querySelector(`[data-action=${action}]`);
      button.setAttribute("aria-label", t(key, { name }));
      button.title = t(key, { name });
    }
    return li;
  }

  async onCollection(event) {
    const li = event.target.closest("li[data-name]");
    const button = event.target.closest("button");
    if (!li || !button) return;
    const name = li.dataset.name;
    if (button.classList.contains("docs-open")) return this.showDocuments(name);
    if (button.classList.contains("use-toggle")) {
      collections.choose(name, button.getAttribute("aria-pressed") !== "true");
      return [...$("#docs-collections").children].find((row) => row.dataset.name === name)?.querySelector(".use-toggle").focus();
    }
    if (button.dataset.action === "upload") return this.addFiles(name);
    if (button.dataset.action === "delete") return this.removeCollection(collections.get(name) || { name, documents: 0 });
  }

  async create() {
    const input = $("#docs-new-name");
    const name = input.value.trim();
    if (!name) return input.focus();
    await collectionsApi.create(name);
    input.value = "";
    await collections.refresh();
    this.showCollections(name);
  }

  async removeCollection(collection) {
    const { name } = collection;
    const sure = await ask({
      title: t("web.docs_delete_collection", { name }),
      message: t("web.docs_delete_collection_confirm", { name, documents: counted("web.docs_documents_", collection.documents) }),
      ok: t("web.delete"),
    });
    if (!sure) return;
    await collectionsApi.remove(name);
    collections.forget(name);
    $("#docs-new-name").focus();
  }

  async showDocuments(name) {
    this.shown = name;
    $("#docs-collections-view").hidden = true;
    $("#docs-documents-view").hidden = false;
    $("#docs-collection-title").textContent = name;
    $("#docs-documents").replaceChildren();
    $("#docs-collection-title").focus();
    await this.renderDocuments();
  }

  async renderDocuments() {
    const name = this.shown;
    const docs = await collectionsApi.documents(name);
    if (this.shown !== name) return; // the person went back meanwhile
    const list = $("#docs-documents");
    list.replaceChildren();
    if (!docs.length) list.append(html(`<li class="list-empty" data-i18n="web.docs_no_documents"></li>`));
    for (const doc of docs) list.append(this.documentRow(doc));
  }

  documentRow(doc) {
    const li = html(`<li class="docs-item"><span class="docs-icon" data-icon="file" aria-hidden="true"></span>
      <span class="docs-text"><strong></strong><small></small><small class="docs-warnings" hidden></small></span>
      <button type="button" class="icon-button danger" data-action="delete" data-icon="trash"></button></li>`);
    li.dataset.id = doc.id;
    li.doc = doc;
    li.querySelector("strong").textContent = doc.filename;
    const added = new Date(doc.created_at * 1000).toLocaleDateString(currentLang());
    const title = doc.title && doc.title !== doc.filename ? doc.title : null;
    li.querySelector("small").textContent = [title, documentDetails(doc), humanSize(doc.size_bytes), added]
      .filter(Boolean).join(" · ");
    if (doc.warnings?.length) {
      const warnings = li.querySelector(".docs-warnings");
      warnings.hidden = false;
      warnings.textContent = doc.warnings.map((detail) => t("web.docs_unread", { detail })).join(" ");
    }
    const remove = li.querySelector("button");
    remove.setAttribute("aria-label", t("web.docs_delete_document", { name: doc.filename }));
    remove.title = t("web.docs_delete_document", { name: doc.filename });
    return li;
  }

  async onDocument(event) {
    const li = event.target.closest("li[data-id]");
    if (!li || !event.target.closest("[data-action=delete]")) return;
    const { doc } = li;
    const sure = await ask({
      title: t("web.docs_delete_document", { name: doc.filename }),
      message: t("web.docs_delete_document_confirm", { name: doc.filename, collection: this.shown }),
      ok: t("web.docs_remove"),
    });
    if (!sure) return;
    await collectionsApi.removeDocument(this.shown, doc.id);
    await Promise.all([this.renderDocuments(), collections.refresh()]);
    $("#docs-collection-title").focus();
  }

  /** Files picked here go to `name`, with their progress in the dialog. */
  async addFiles(name) {
    const files = await pickFiles();
    if (!files.length) return;
    await uploadFiles(name, files, $("#docs-uploads"));
    await collections.refresh();
    if (this.shown === name) await this.renderDocuments();
  }
}
