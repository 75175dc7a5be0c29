// Markdown -> sanitized HTML (marked + DOMPurify), code blocks highlighted (highlight.js core and a few
// languages) with a copy button. All three libraries are vendored in ../vendor (see VENDOR.md).
import { marked } from "../vendor/marked.esm.js";
import hljs from "../vendor/hljs/core.min.js";
import bash from "../vendor/hljs/languages/bash.min.js";
import c from "../vendor/hljs/languages/c.min.js";
import cpp from "../vendor/hljs/languages/cpp.min.js";
import css from "../vendor/hljs/languages/css.min.js";
import diff from "../vendor/hljs/languages/diff.min.js";
import go from "../vendor/hljs/languages/go.min.js";
import java from "../vendor/hljs/languages/java.min.js";
import javascript from "../vendor/hljs/languages/javascript.min.js";
import json from "../vendor/hljs/languages/json.min.js";
import python from "../vendor/hljs/languages/python.min.js";
import rust from "../vendor/hljs/languages/rust.min.js";
import sql from "../vendor/hljs/languages/sql.min.js";
import typescript from "../vendor/hljs/languages/typescript.min.js";
import xml from "../vendor/hljs/languages/xml.min.js";
import yaml from "../vendor/hljs/languages/yaml.min.js";
import { icon } from "./icons.js";
import { t } from "./i18n.js";

const LANGUAGES = { bash, c, cpp, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);
hljs.registerAliases(["sh", "shell", "zsh"], { languageName: "bash" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["js"], { languageName: "javascript" });
hljs.registerAliases(["ts"], { languageName: "typescript" });
hljs.registerAliases(["html"], { languageName: "xml" });

marked.setOptions({ gfm: true, breaks: true });
// Offline by construction: no <img> (it could point anywhere); links open in a new tab, without referrer.
const PURIFY = { FORBID_TAGS: ["img", "style", "form", "input", "iframe"], FORBID_ATTR: ["style"] };
let hooked = false;

function purify(html) {
  if (!hooked) {
    window.DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") node.setAttribute("rel", "noopener noreferrer"), node.setAttribute("target", "_blank");
    });
    hooked = true;
  }
  return window.DOMPurify.sanitize(html, PURIFY);
}

export function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]);
}

/** Render `text` as Markdown into `el`. Code is highlighted only when `final` (not at every streamed token). */
export function renderMarkdown(el, text, final = true) {
  el.innerHTML = purify(marked.parse(text));
  decorateCode(el, final);
}

/** A code block as the skills show it: highlighted, with its language and a copy button. */
export function codeBlock(code, language = "") {
  const wrapper = document.createElement("div");
  wrapper.innerHTML = `<pre><code class="language-${escapeHTML(language)}">${escapeHTML(code)}</code></pre>`;
  decorateCode(wrapper, true);
  return wrapper.firstElementChild;
}

function decorateCode(root, final) {
  for (const pre of root.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    if (!code || pre.parentElement.classList.contains("code-block")) continue;
    const language = /language-([\w+-]+)/.exec(code.className)?.[1] || "";
    if (final && hljs.getLanguage(language)) {
      code.innerHTML = hljs.highlight(code.textContent, { language, ignoreIllegals: true }).value;
      code.classList.add("hljs");
    }
    const block = document.createElement("div");
    block.className = "code-block";
    block.innerHTML = `<div class="code-head"><span>${escapeHTML(language || "text")}</span>` +
      `<button type="button" class="copy-code" title="${escapeHTML(t("web.copy_code"))}">${icon("copy")}` +
      `<span>${escapeHTML(t("web.copy"))}</span></button></div>`;
    pre.replaceWith(block);
    block.append(pre);
  }
}

/** One listener for every copy button of code blocks (they come and go as answers re-render). */
export function handleCopyClicks(root) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest(".copy-code");
    if (!button) return;
    await copyText(button.closest(".code-block").querySelector("code").textContent);
    flashCopied(button);
  });
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch { // clipboard API refused (no permission, not focused): the old way
    const area = Object.assign(document.createElement("textarea"), { value: text });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

export function flashCopied(button) {
  const label = button.querySelector("span");
  if (!label) return;
  const before = label.textContent;
  label.textContent = t("web.copied");
  setTimeout(() => { label.textContent = before; }, 1500);
}

/** improve's inline word diff "[-removed-]{+added+}" as <del>/<ins>. */
export function inlineDiff(diffText) {
  return escapeHTML(diffText)
    .replace(/\[-([\s\S]*?)-\]/g, "<del>$1</del>")
    .replace(/\{\+([\s\S]*?)\+\}/g, "<ins>$1</ins>");
}
