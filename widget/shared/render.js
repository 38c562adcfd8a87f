// @ts-check
// Light Markdown to DOM nodes, safely: every piece of user or bot text ends up in a text node
// (textContent); the only elements created are p, ul/ol/li, strong and a. Links are kept only
// for http:, https:, mailto: and tel: and open in a new tab without access to this page.
// Nothing here ever assigns innerHTML.

const SAFE_SCHEMES = ["http:", "https:", "mailto:", "tel:"];
const LINK = /\[([^\]\n]*)\]\(([^)\s]*)\)/g;
const BOLD = /\*\*([^*\n]+)\*\*/g;

export function safeUrl(href) {
  try {
    const url = new URL(href, "https://invalid.invalid/");
    if (!SAFE_SCHEMES.includes(url.protocol)) return null;
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname === "invalid.invalid") return null;
    return url.href;
  } catch {
    return null;
  }
}

function appendInline(parent, text) {
  // links first, then bold inside the remaining text
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    appendBold(parent, text.slice(last, match.index));
    const href = safeUrl(match[2]);
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = match[1] || href;
      if (!href.startsWith("mailto:") && !href.startsWith("tel:")) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
      parent.append(a);
    } else {
      parent.append(document.createTextNode(match[0]));
    }
    last = match.index + match[0].length;
  }
  appendBold(parent, text.slice(last));
}

function appendBold(parent, text) {
  let last = 0;
  for (const match of text.matchAll(BOLD)) {
    parent.append(document.createTextNode(text.slice(last, match.index)));
    const strong = document.createElement("strong");
    strong.textContent = match[1];
    parent.append(strong);
    last = match.index + match[0].length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

const ITEM = /^\s*([-*]|\d+[.)])\s+(.*)$/;

// Render `text` (paragraphs separated by blank lines; "- " or "1. " list items, possibly right
// after an introductory line; indented continuation lines) into a DocumentFragment.
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const blocks = String(text ?? "").replace(/\r\n?/g, "\n").split(/\n{2,}/);
  for (const block of blocks) {
    let paragraph = [];
    let list = null;
    let item = null;
    const flush = () => {
      if (paragraph.length) {
        const p = document.createElement("p");
        appendInline(p, paragraph.join(" "));
        fragment.append(p);
        paragraph = [];
      }
    };
    for (const line of block.split("\n")) {
      const start = line.match(ITEM);
      if (start) {
        flush();
        const tag = /\d/.test(start[1]) ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = document.createElement(tag);
          fragment.append(list);
        }
        item = document.createElement("li");
        appendInline(item, start[2]);
        list.append(item);
      } else if (item && /^\s{2,}\S/.test(line)) {
        appendInline(item, " " + line.trim());
      } else if (line.trim()) {
        list = null;
        item = null;
        paragraph.push(line.trim());
      }
    }
    flush();
  }
  return fragment;
}

// Plain text only (agents' and citizens' own messages): one paragraph per line break.
export function renderPlain(text) {
  const fragment = document.createDocumentFragment();
  for (const line of String(text ?? "").split("\n")) {
    const p = document.createElement("p");
    p.textContent = line;
    fragment.append(p);
  }
  return fragment;
}
