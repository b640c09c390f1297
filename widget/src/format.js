/**
 * Message text to DOM nodes. Text is never parsed as HTML: it is split into plain
 * text, *bold*, links and emergency numbers, and each piece becomes a text node or
 * an element whose content is set with textContent. So `<img onerror=...>` typed by
 * a user, or anything a bot response ever contains, shows as the characters it is.
 */

// One alternation, tried left to right: [label](url), **bold**, *bold*, bare URL, 911/988.
const INLINE =
  /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)|\*\*([^*\n]{1,500})\*\*|\*([^*\n]{1,500})\*|(https?:\/\/[^\s<>"']{1,2000})|\b(911|988)\b/g;

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);

/** The href if it is a web, mail or phone link; null for javascript:, data: and the like. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return SAFE_SCHEMES.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function link(doc, href, label) {
  const a = doc.createElement("a");
  a.href = href;
  a.textContent = label;
  if (!href.startsWith("tel:") && !href.startsWith("mailto:")) {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  return a;
}

function inline(doc, line, out) {
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    let [whole] = m;
    let trailing = "";
    if (m[5]) {
      // "see https://example.org." -> the full stop is not part of the link
      trailing = whole.match(/[.,;:!?)\]]+$/)?.[0] || "";
      whole = whole.slice(0, whole.length - trailing.length);
    }
    out.append(doc.createTextNode(line.slice(last, m.index)));
    if (m[1] !== undefined) {
      const href = safeHref(m[2]);
      out.append(href ? link(doc, href, m[1]) : doc.createTextNode(m[0]));
    } else if (m[3] !== undefined || m[4] !== undefined) {
      const strong = doc.createElement("strong");
      strong.textContent = m[3] ?? m[4];
      out.append(strong);
    } else if (m[5]) {
      const href = safeHref(whole);
      out.append(href ? link(doc, href, whole) : doc.createTextNode(whole), doc.createTextNode(trailing));
    } else {
      out.append(link(doc, `tel:${m[6]}`, m[6]));
    }
    last = m.index + m[0].length;
  }
  out.append(doc.createTextNode(line.slice(last)));
}

/** A fragment for `text` with formatting; `rich` false gives plain text with line breaks. */
export function renderText(text, { rich = true, doc = document } = {}) {
  const fragment = doc.createDocumentFragment();
  String(text)
    .split("\n")
    .forEach((line, i) => {
      if (i > 0) fragment.append(doc.createElement("br"));
      if (rich) inline(doc, line, fragment);
      else fragment.append(doc.createTextNode(line));
    });
  return fragment;
}

/** True for the bot's emergency replies ("🚨 ... call 911 ..."). */
export function isEmergency(text) {
  return typeof text === "string" && text.startsWith("🚨") && text.includes("911");
}
