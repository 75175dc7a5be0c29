// The conversation list from the store: new chat, open, rename, delete, export, and search.
import { call, download, getJSON, sendJSON } from "./api.js";
import { t } from "./i18n.js";
import { escapeHTML } from "./markdown.js";
import { $, ask, html, showError } from "./ui.js";

export class Sidebar {
  constructor(chat) {
    this.chat = chat;
    this.list = $("#conversations");
    this.results = $("#search-results");
    this.items = [];
    this.searchTimer = 0;
    $("#search").addEventListener("input", () => this.scheduleSearch());
    $("#search").addEventListener("keydown", (event) => { if (event.key === "Escape") this.endSearch(); });
    this.list.addEventListener("click", (event) => this.onClick(event));
    this.results.addEventListener("click", (event) => this.onClick(event));
    document.addEventListener("click", (event) => { if (!event.target.closest(".menu-wrap")) this.closeMenus(); });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") this.closeMenus(); });
  }

  async refresh() {
    const page = await getJSON("/api/conversations?limit=100");
    this.items = page.data;
    this.render();
  }

  render() {
    this.list.replaceChildren();
    if (!this.items.length) {
      this.list.append(html(`<li class="list-empty" data-i18n="web.no_conversations"></li>`));
      return;
    }
    const startOfDay = new Date().setHours(0, 0, 0, 0) / 1000;
    let group = null;
    for (const item of this.items) {
      const label = item.updated_at >= startOfDay ? "web.today" : "web.earlier";
      if (label !== group) {
        this.list.append(html(`<li class="list-group" data-i18n="${label}"></li>`));
        group = label;
      }
      this.list.append(this.row(item));
    }
  }

  row(item) {
    const title = item.title || t("web.untitled");
    const current = this.chat.conversation?.id === item.id;
    const li = html(`<li class="conversation${current ? " current" : ""}" data-id="${escapeHTML(item.id)}">
      <a class="open" href="#${escapeHTML(item.id)}"${current ? ' aria-current="page"' : ""}></a>
      <div class="menu-wrap">
        <button type="button" class="icon-button menu-button" data-icon="more" aria-haspopup="menu" aria-expanded="false"></button>
        <div class="menu" role="menu" hidden>
          <button type="button" role="menuitem" data-action="rename" data-i18n="web.rename"></button>
          <button type="button" role="menuitem" data-action="markdown" data-i18n="web.export_md"></button>
          <button type="button" role="menuitem" data-action="json" data-i18n="web.export_json"></button>
          <button type="button" role="menuitem" class="danger" data-action="delete" data-i18n="web.delete"></button>
        </div></div></li>`);
    li.querySelector(".open").textContent = title;
    li.querySelector(".menu-button").setAttribute("aria-label", t("web.conversation_actions", { title }));
    li.item = item;
    return li;
  }

  closeMenus(except = null) {
    for (const menu of document.querySelectorAll(".menu:not([hidden])")) {
      if (menu === except) continue;
      menu.hidden = true;
      menu.previousElementSibling.setAttribute("aria-expanded", "false");
    }
  }

  async onClick(event) {
    const li = event.target.closest("li[data-id]");
    if (!li) return;
    const menuButton = event.target.closest(".menu-button");
    const action = event.target.closest("[data-action]")?.dataset.action;
    try {
      if (menuButton) return this.toggleMenu(menuButton);
      if (action) {
        this.closeMenus();
        return await this.act(action, li.item || { id: li.dataset.id });
      }
      if (event.target.closest("a")) {
        event.preventDefault();
        await this.chat.open(li.dataset.id);
        this.markCurrent();
        document.body.classList.remove("sidebar-open");
      }
    } catch (error) { showError(error); }
  }

  toggleMenu(button) {
    const menu = button.nextElementSibling;
    this.closeMenus(menu);
    menu.hidden = !menu.hidden;
    button.setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button").focus();
  }

  async act(action, item) {
    const title = item.title || t("web.untitled");
    if (action === "rename") {
      const name = await ask({ title: t("web.rename_title"), value: title, ok: t("web.save") });
      if (!name) return;
      await sendJSON("PATCH", `/api/conversations/${item.id}`, { title: name });
      if (this.chat.conversation?.id === item.id) {
        this.chat.conversation.title = name;
        $("#chat-title").textContent = name;
      }
    } else if (action === "delete") {
      const sure = await ask({ title: t("web.delete"), message: t("web.delete_confirm", { title }), ok: t("web.delete") });
      if (!sure) return;
      await call("DELETE", `/api/conversations/${item.id}`);
      if (this.chat.conversation?.id === item.id) this.chat.clear();
    } else {
      const response = await call("GET", `/api/conversations/${item.id}/export?format=${action}`);
      await download(response, `conversation-${item.id}.${action === "json" ? "json" : "md"}`);
      return;
    }
    await this.refresh();
  }

  markCurrent() {
    for (const li of this.list.querySelectorAll("li[data-id]")) {
      const current = li.dataset.id === this.chat.conversation?.id;
      li.classList.toggle("current", current);
      if (current) li.querySelector("a").setAttribute("aria-current", "page");
      else li.querySelector("a").removeAttribute("aria-current");
    }
  }

  scheduleSearch() {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.search().catch(showError), 250);
  }

  endSearch() {
    $("#search").value = "";
    this.results.hidden = true;
    this.list.hidden = false;
  }

  async search() {
    const query = $("#search").value.trim();
    if (!query) return this.endSearch();
    const hits = (await getJSON(`/api/search?q=${encodeURIComponent(query)}&limit=30`)).data;
    this.results.replaceChildren();
    if (!hits.length) this.results.append(html(`<li class="list-empty"></li>`));
    if (!hits.length) this.results.firstElementChild.textContent = t("web.search_none", { query });
    for (const hit of hits) {
      const li = html(`<li class="conversation hit" data-id="${escapeHTML(hit.conversation_id)}">
        <a class="open" href="#${escapeHTML(hit.conversation_id)}"><strong></strong><small></small></a></li>`);
      li.querySelector("strong").textContent = hit.conversation_title || t("web.untitled");
      // Snippets mark matches with [ ]: shown as <mark>, everything else as text.
      li.querySelector("small").innerHTML = escapeHTML(hit.snippet).replace(/\[([^\]]*)\]/g, "<mark>$1</mark>");
      this.results.append(li);
    }
    this.list.hidden = true;
    this.results.hidden = false;
  }
}
