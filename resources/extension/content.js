// Content script: translates the page in place and puts the original back exactly.
//
// The page is cut into *units*: a run of text and inline elements inside one block (a
// paragraph, a list item, a cell), and the translatable attributes (title, alt,
// placeholder, aria-label). A run is sent as a small HTML skeleton in which every inline
// element is <span data-n="k"> (objects such as images and code are <code data-n="k">),
// so offline-nlp moves them with the words they belonged to. The answer is rebuilt
// with the page's own elements (links keep their listeners) and fresh text nodes; the
// original nodes are kept aside, so "Show original" puts back the very same nodes.
"use strict";

(() => {
  if (globalThis.__offlineNlpLoaded) return;
  globalThis.__offlineNlpLoaded = true;
  const api = globalThis.browser ?? globalThis.chrome;

  const SKIP = new Set(["script", "style", "code", "pre", "kbd", "samp", "var", "textarea",
    "svg", "math", "template", "noscript", "iframe", "canvas", "video", "audio", "object",
    "select", "head", "title"]);
  const INLINE = new Set(["a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "data",
    "del", "dfn", "em", "font", "i", "ins", "label", "mark", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "nobr", "code", "kbd", "samp",
    "var", "br", "img", "wbr", "input"]);
  const VOID = new Set(["br", "img", "wbr", "input"]);
  const ATTRIBUTES = ["title", "alt", "placeholder", "aria-label"];
  const LETTER = /\p{L}/u;
  const MAX_UNITS = 200;      // per request: one page-sized request, not one per node
  const MAX_CHARS = 40000;

  let state = "original";     // original | translating | translated
  let generation = 0;         // answers of an earlier round are dropped
  let source = "";
  let target = "";
  let changes = [];           // applied, in order; undone in reverse
  let queued = [];            // units seen by the IntersectionObserver, not yet sent
  let pending = new Map();    // observed element -> its units
  let counts = { done: 0, total: 0 };
  let visibility = null;
  let mutations = null;
  let ui = null;              // our shadow-DOM host (banner, tooltip), never page content

  // -- messages -------------------------------------------------------------------

  async function ask(message) {
    const answer = await api.runtime.sendMessage(message);
    if (!answer?.ok) throw new Error(answer?.error ?? "no answer from the extension");
    return answer.result;
  }

  api.runtime.onMessage.addListener((message, _sender, reply) => {
    if (message?.type === "toggle") {
      (state === "original" ? translatePage() : showOriginal());
    } else if (message?.type === "translate" && state === "original") {
      translatePage();
    } else if (message?.type !== "state") {
      return false;
    }
    reply({ ok: true, result: state });
    return false;
  });

  function report(newState) {
    ask({ type: "progress", state: newState, ...counts }).catch(() => {});
  }

  // -- finding units --------------------------------------------------------------

  function skipped(element) {
    return SKIP.has(element.localName) || element === ui || element.isContentEditable ||
      element.getAttribute("translate") === "no" || element.classList.contains("notranslate");
  }

  function insideSkipped(node) {
    for (let element = node; element; element = element.parentElement) {
      if (element.nodeType === Node.ELEMENT_NODE && skipped(element)) return true;
    }
    return false;
  }

  function inlineOnly(element) {
    if (!INLINE.has(element.localName)) return false;
    if (VOID.has(element.localName) || skipped(element)) return true;
    return [...element.children].every(inlineOnly);
  }

  function hasText(nodes) {
    return nodes.some((node) => node.nodeType === Node.TEXT_NODE ? LETTER.test(node.data)
      : node.nodeType === Node.ELEMENT_NODE && !skipped(node) && LETTER.test(node.textContent));
  }

  // Units of ``root`` and below: runs of inline content per block, and attributes.
  function collect(root, units) {
    if (root.nodeType !== Node.ELEMENT_NODE || skipped(root)) return units;
    collectAttributes(root, units);
    let run = [];
    const flush = () => {
      if (hasText(run)) units.push({ kind: "run", parent: root, nodes: run, block: root });
      run = [];
    };
    for (const child of [...root.childNodes]) {
      if (child.nodeType === Node.TEXT_NODE) {
        run.push(child);
      } else if (child.nodeType === Node.ELEMENT_NODE && inlineOnly(child)) {
        run.push(child);
        collectAttributes(child, units);
        child.querySelectorAll("*").forEach((inner) => collectAttributes(inner, units));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        flush();
        collect(child, units);
      }
    }
    flush();
    return units;
  }

  function collectAttributes(element, units) {
    if (skipped(element) || element.closest("[translate=no], .notranslate")) return;
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value && LETTER.test(value)) units.push({ kind: "attr", element, name, value, block: element });
    }
  }

  // -- the HTML skeleton and rebuilding from the answer ----------------------------

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function skeleton(nodes, refs) {
    let html = "";
    for (const node of nodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        html += escapeHtml(node.data);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const k = refs.push(node) - 1;
        if (node.localName === "br") html += `<br data-n="${k}">`;
        else if (VOID.has(node.localName) || skipped(node)) html += `<code data-n="${k}"></code>`;
        else html += `<span data-n="${k}">${skeleton([...node.childNodes], refs)}</span>`;
      }
    }
    return html;
  }

  // New child nodes from the translated skeleton; reused elements get their own change.
  function rebuild(nodes, refs, used, inner) {
    const out = [];
    for (const node of nodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        out.push(document.createTextNode(node.data));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const original = refs[Number(node.getAttribute("data-n"))];
        if (!original || used.has(original)) {
          out.push(...rebuild([...node.childNodes], refs, used, inner));
          continue;
        }
        used.add(original);
        if (!VOID.has(original.localName) && !skipped(original)) {
          const children = rebuild([...node.childNodes], refs, used, inner);
          inner.push({ parent: original, old: [...original.childNodes], fresh: children, after: null });
        }
        out.push(original);
      }
    }
    return out;
  }

  function runChanges(unit, html) {
    const refs = [];
    skeleton(unit.nodes, refs); // the same numbering as the request's
    // an inert document: nothing in it runs or loads; <body> first keeps leading spaces
    const parsed = new DOMParser().parseFromString(`<!DOCTYPE html><body>${html}`, "text/html");
    const used = new Set();
    const inner = [];
    const fresh = rebuild([...parsed.body.childNodes], refs, used, inner);
    // nothing lost: an element the answer left out goes back at the end of its run
    for (const ref of refs) {
      if (!used.has(ref) && unit.nodes.includes(ref)) fresh.push(ref);
    }
    const after = unit.nodes[unit.nodes.length - 1].nextSibling;
    return [...inner, { parent: unit.parent, old: unit.nodes, fresh, after }];
  }

  // -- applying and undoing ---------------------------------------------------------

  function apply(change) {
    if (change.name) {
      change.element.setAttribute(change.name, change.fresh);
      return;
    }
    for (const node of change.old) if (node.parentNode === change.parent) node.remove();
    for (const node of change.fresh) change.parent.insertBefore(node, change.after);
  }

  function undo(change) {
    if (change.name) {
      change.element.setAttribute(change.name, change.value);
      return;
    }
    for (const node of change.fresh) if (node.parentNode === change.parent) node.remove();
    for (const node of change.old) change.parent.insertBefore(node, change.after);
  }

  function quietly(work) {
    mutations?.disconnect();
    try {
      work();
    } finally {
      mutations?.observe(document.body, { childList: true, subtree: true });
    }
  }

  // -- translating ------------------------------------------------------------------

  async function pageLanguage() {
    const known = new Set((await ask({ type: "languages" })).map((l) => l.code));
    const raw = (document.documentElement.lang || "").trim().toLowerCase();
    let code = raw.split(/[-_]/)[0];
    if (code === "zh" && /-(tw|hk|mo|hant)/.test(raw)) code = "zt";
    if (code && known.has(code)) return code;
    const sample = (document.body.innerText || "").slice(0, 2000);
    const found = await ask({ type: "detect", q: sample });
    return found[0]?.language ?? "auto";
  }

  async function translatePage() {
    const round = ++generation;
    state = "translating";
    counts = { done: 0, total: 0 };
    report(state);
    try {
      const settings = await ask({ type: "settings" });
      target = settings.target;
      source = await pageLanguage();
    } catch (error) {
      return fail(error);
    }
    if (round !== generation) return;
    if (source === target) {
      state = "original";
      report(state);
      return banner(`This page is already in the language you translate into (${target}).`);
    }
    visibility = new IntersectionObserver(onVisible, { rootMargin: "300px" });
    mutations = new MutationObserver(onMutations);
    mutations.observe(document.body, { childList: true, subtree: true });
    const units = collect(document.body, []);
    watch(units);
    const title = document.querySelector("head > title");
    if (title && LETTER.test(title.textContent)) { // the tab's title, at once
      queued.push({ kind: "run", parent: title, nodes: [...title.childNodes], block: title });
      counts.total += 1;
      send(round);
    } else if (!units.length) {
      finish(round);
    }
  }

  function watch(units) {
    for (const unit of units) {
      if (!pending.has(unit.block)) {
        pending.set(unit.block, []);
        visibility.observe(unit.block);
      }
      pending.get(unit.block).push(unit);
    }
    report(state);
  }

  function onVisible(entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      visibility.unobserve(entry.target);
      const units = pending.get(entry.target) ?? [];
      queued.push(...units);
      counts.total += units.length; // progress counts what is visible, as it comes
      pending.delete(entry.target);
    }
    if (queued.length) {
      state = "translating";
      report(state);
      send(generation);
    }
  }

  function onMutations(records) {
    const units = [];
    for (const record of records) {
      if (insideSkipped(record.target)) continue;
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          collect(node, units);
        } else if (node.nodeType === Node.TEXT_NODE && LETTER.test(node.data)) {
          units.push({ kind: "run", parent: record.target, nodes: [node], block: record.target });
        }
      }
    }
    if (units.length) watch(units);
  }

  // Everything queued goes out now, in page-sized requests (runs as HTML, attributes as text).
  function send(round) {
    const units = queued;
    queued = [];
    for (const [kind, format] of [["run", "html"], ["attr", "text"]]) {
      let batch = [];
      let chars = 0;
      for (const unit of units.filter((u) => u.kind === kind)) {
        const text = kind === "run" ? skeleton(unit.nodes, []) : unit.value;
        if (batch.length && (batch.length >= MAX_UNITS || chars + text.length > MAX_CHARS)) {
          request(round, batch, format);
          batch = [];
          chars = 0;
        }
        batch.push({ unit, text });
        chars += text.length;
      }
      if (batch.length) request(round, batch, format);
    }
  }

  async function request(round, batch, format) {
    let answer;
    try {
      answer = await ask({ type: "translate", q: batch.map((b) => b.text), source, target, format });
    } catch (error) {
      if (round === generation) fail(error);
      return;
    }
    if (round !== generation || state === "original") return;
    quietly(() => {
      batch.forEach(({ unit }, i) => {
        const done = answer.translatedText[i];
        const unitChanges = unit.kind === "run" ? runChanges(unit, done)
          : [{ element: unit.element, name: unit.name, value: unit.value, fresh: done }];
        if (!stillThere(unit)) return;
        unitChanges.forEach(apply);
        changes.push(...unitChanges);
      });
    });
    counts.done += batch.length;
    if (counts.done >= counts.total) finish(round);
    else report(state);
  }

  function stillThere(unit) {
    if (unit.kind === "attr") return unit.element.getAttribute(unit.name) === unit.value;
    return unit.nodes.every((node) => node.parentNode === unit.parent);
  }

  function finish(round) {
    if (round !== generation) return;
    state = "translated";
    report(state);
  }

  function showOriginal() {
    generation++;
    visibility?.disconnect();
    mutations?.disconnect();
    visibility = mutations = null;
    pending = new Map();
    queued = [];
    for (const change of changes.reverse()) undo(change);
    changes = [];
    state = "original";
    removeUi();
    report(state);
  }

  function fail(error) {
    generation++;
    state = changes.length ? "translated" : "original";
    report("error");
    banner(String(error.message ?? error));
  }

  // -- our own UI: a banner and the selection tooltip, in a shadow root -------------

  function uiRoot() {
    if (!ui) {
      ui = document.createElement("offline-nlp-ui");
      ui.attachShadow({ mode: "open" }).innerHTML = `<style>
        .box { position: fixed; z-index: 2147483647; font: 14px/1.4 system-ui, sans-serif;
               background: #fff; color: #222; border: 1px solid #bbb; border-radius: 6px;
               box-shadow: 0 2px 10px rgba(0,0,0,.25); padding: 8px 12px; max-width: 420px; }
        .banner { top: 12px; right: 12px; } button { margin-left: 8px; }</style>`;
    }
    if (!ui.isConnected) document.documentElement.append(ui);
    return ui.shadowRoot;
  }

  function removeUi() {
    ui?.remove();
  }

  function box(className, text, x, y) {
    const root = uiRoot();
    root.querySelector(`.${className}`)?.remove();
    const element = document.createElement("div");
    element.className = `box ${className}`;
    element.setAttribute("role", className === "banner" ? "alert" : "tooltip");
    element.textContent = text;
    if (x !== undefined) Object.assign(element.style, { left: `${x}px`, top: `${y}px` });
    const close = document.createElement("button");
    close.textContent = "✕";
    close.title = "Close";
    close.addEventListener("click", () => {
      element.remove();
      if (!root.querySelector(".box")) removeUi();
    });
    element.append(close);
    root.append(element);
    return element;
  }

  function banner(text) {
    box("banner", text);
  }

  // Selecting text offers its translation in a tooltip; a click elsewhere closes it.
  document.addEventListener("mousedown", (event) => {
    if (!ui || event.composedPath().includes(ui)) return;
    ui.shadowRoot.querySelector(".tooltip")?.remove();
    if (!ui.shadowRoot.querySelector(".box")) removeUi();
  });
  document.addEventListener("mouseup", (event) => {
    if (ui && event.composedPath().includes(ui)) return;
    const selection = String(globalThis.getSelection?.() ?? "").trim();
    if (!selection || !LETTER.test(selection) || selection.length > 5000) return;
    const x = Math.min(event.clientX, innerWidth - 440);
    const y = event.clientY + 16;
    const offer = box("tooltip", "", x, y);
    const button = document.createElement("button");
    button.textContent = "Translate selection";
    offer.prepend(button);
    button.addEventListener("click", async () => {
      try {
        const settings = await ask({ type: "settings" });
        const from = source || (await pageLanguage());
        const answer = await ask({ type: "translate", q: selection, source: from,
          target: settings.target, format: "text" });
        box("tooltip", answer.translatedText, x, y);
      } catch (error) {
        box("tooltip", String(error.message ?? error), x, y);
      }
    });
  });

  // "Always translate" this site or this language.
  (async () => {
    try {
      const settings = await ask({ type: "settings" });
      const lang = (document.documentElement.lang || "").split(/[-_]/)[0].toLowerCase();
      if (settings.alwaysSites.includes(location.hostname) ||
          (lang && settings.alwaysLanguages.includes(lang))) {
        translatePage();
      }
    } catch (error) {
      // the extension was reloaded under this page: nothing to do until the next load
    }
  })();
})();
