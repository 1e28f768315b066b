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

  // <select> is not skipped: its <option> texts are translated (each option is a block)
  const SKIP = new Set(["script", "style", "code", "pre", "kbd", "samp", "var", "textarea",
    "svg", "math", "template", "noscript", "iframe", "canvas", "video", "audio", "object",
    "head", "title"]);
  const INLINE = new Set(["a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "data",
    "del", "dfn", "em", "font", "i", "ins", "label", "mark", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "nobr", "code", "kbd", "samp",
    "var", "br", "img", "wbr", "input"]);
  const VOID = new Set(["br", "img", "wbr", "input"]);
  const ATTRIBUTES = ["title", "alt", "placeholder", "aria-label"];
  // a button's label is its value: translated only on these input types
  const LABELLED_INPUTS = new Set(["submit", "button", "reset"]);
  const LETTER = /\p{L}/u;
  const MAX_UNITS = 200;      // per request: one page-sized request, not one per node
  const MAX_CHARS = 40000;    // lowered to the server's own limit (/frontend/settings)
  // frames translate too; the top one owns the badge (window, not globalThis: Firefox runs
  // content scripts in a sandbox whose global is not the page's window)
  const TOP = window.top === window;

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
  let uiShadow = null;        // its root: closed, so the page can neither read nor click it
  let maxChars = MAX_CHARS;
  let nextRequest = 0;
  let inflight = new Set();   // ids of this round's requests, aborted when it ends
  let sawFirstView = false;   // the IntersectionObserver has reported at least once
  const shadows = new Set();  // open shadow roots we observe

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
    if (!TOP) return;
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
    if (root.shadowRoot) collectShadow(root.shadowRoot, root, units);
    collectChildren(root, root, units);
    return units;
  }

  // An open shadow root (web components) is translated like the page, and watched.
  function collectShadow(shadow, host, units) {
    shadows.add(shadow);
    mutations?.observe(shadow, OBSERVE); // again each round: a new observer
    collectChildren(shadow, host, units);
  }

  function collectChildren(root, block, units) {
    let run = [];
    const flush = () => {
      if (hasText(run)) units.push({ kind: "run", parent: root, nodes: run, block });
      run = [];
    };
    for (const child of [...root.childNodes]) {
      if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.COMMENT_NODE) {
        run.push(child); // a comment stays in its run, so the original comes back in order
      } else if (child.nodeType === Node.ELEMENT_NODE && inlineOnly(child) && !child.shadowRoot) {
        run.push(child);
        collectAttributes(child, units);
        child.querySelectorAll("*").forEach((inner) => collectAttributes(inner, units));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        flush();
        collect(child, units);
      }
    }
    flush();
  }

  function collectAttributes(element, units) {
    if (skipped(element) || element.closest("[translate=no], .notranslate")) return;
    const names = element.localName === "input" &&
      LABELLED_INPUTS.has((element.getAttribute("type") || "").toLowerCase())
      ? [...ATTRIBUTES, "value"] : ATTRIBUTES;
    for (const name of names) {
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
    // nothing lost: an element the answer left out goes back where it stood (before the
    // text, after it, or before the next element that came back), not all at the end
    unit.nodes.forEach((node, i) => {
      if (node.nodeType === Node.ELEMENT_NODE && !used.has(node)) {
        placeLeftOut(fresh, unit.nodes, i, used);
      }
    });
    // comments stay with the run (removed with it, put back in order by "show original")
    fresh.push(...unit.nodes.filter((node) => node.nodeType === Node.COMMENT_NODE));
    const after = unit.nodes[unit.nodes.length - 1].nextSibling;
    return [...inner, { parent: unit.parent, old: unit.nodes, fresh, after }];
  }

  function placeLeftOut(fresh, nodes, i, used) {
    const node = nodes[i];
    used.add(node);
    const isText = (n) => n.nodeType === Node.TEXT_NODE && LETTER.test(n.data);
    if (!nodes.slice(0, i).some(isText)) {
      fresh.unshift(node); // a heading number or list marker in front of the words
      return;
    }
    const next = nodes.slice(i + 1).find((n) => used.has(n) && fresh.includes(n));
    if (next && nodes.slice(i + 1).some(isText)) fresh.splice(fresh.indexOf(next), 0, node);
    else fresh.push(node);
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

  // The original comes back only where the page left our translation as it was: what
  // the page itself changed since (a framework re-rendering) is the page's, and stays.
  function undo(change) {
    if (change.name) {
      if (change.element.getAttribute(change.name) === change.fresh) {
        change.element.setAttribute(change.name, change.value);
      }
      return;
    }
    if (change.touched || !change.fresh.every((node) => node.parentNode === change.parent)) {
      return;
    }
    if (change.after && change.after.parentNode !== change.parent) return;
    for (const node of change.fresh) node.remove();
    for (const node of change.old) change.parent.insertBefore(node, change.after);
  }

  const OBSERVE = { childList: true, subtree: true, characterData: true };

  function quietly(work) {
    mutations?.disconnect();
    try {
      work();
    } finally {
      if (mutations) {
        mutations.observe(document.body, OBSERVE);
        for (const shadow of shadows) mutations.observe(shadow, OBSERVE);
      }
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
    abortInflight();
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
    try {
      const { charLimit } = await ask({ type: "limits" });
      maxChars = charLimit > 0 ? Math.min(MAX_CHARS, charLimit) : MAX_CHARS;
    } catch (error) {
      maxChars = MAX_CHARS; // an older server: its 413 says so
    }
    if (round !== generation) return;
    sawFirstView = false;
    visibility = new IntersectionObserver(onVisible, { rootMargin: "300px" });
    mutations = new MutationObserver(onMutations);
    mutations.observe(document.body, OBSERVE);
    const units = collect(document.body, []);
    watch(units);
    if (!units.length) sawFirstView = true; // nothing to look at
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
      // an <option> has no box of its own to be seen: its <select> has
      if (unit.block.localName === "option") unit.block = unit.block.closest("select") ?? unit.block;
      if (!pending.has(unit.block)) {
        pending.set(unit.block, []);
        visibility.observe(unit.block);
      }
      pending.get(unit.block).push(unit);
    }
    report(state);
  }

  function onVisible(entries) {
    sawFirstView = true;
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
    } else if (state === "translating" && counts.done >= counts.total) {
      finish(generation);
    }
  }

  function onMutations(records) {
    const units = [];
    for (const record of records) {
      if (insideSkipped(record.target)) continue;
      if (record.type === "characterData") { // text updated in place (React, Vue, Svelte)
        changedText(record.target, units);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          collect(node, units);
        } else if (node.nodeType === Node.TEXT_NODE && LETTER.test(node.data)) {
          const block = record.target.host ?? record.target; // a shadow root's host
          units.push({ kind: "run", parent: record.target, nodes: [node], block });
        }
      }
    }
    if (units.length) watch(units);
  }

  // A text node the page rewrote: translated again as a run of its own. If it belongs to
  // a translation we applied, that change is the page's now ("show original" leaves it).
  function changedText(node, units) {
    const parent = node.parentNode;
    if (!parent || !LETTER.test(node.data)) return;
    for (const change of changes) {
      if (change.fresh?.includes(node)) change.touched = true;
    }
    const block = parent.nodeType === Node.ELEMENT_NODE ? parent : parent.host;
    if (block) units.push({ kind: "run", parent, nodes: [node], block });
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
        if (batch.length && (batch.length >= MAX_UNITS || chars + text.length > maxChars)) {
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
    const requestId = ++nextRequest;
    inflight.add(requestId);
    try {
      answer = await ask({ type: "translate", q: batch.map((b) => b.text), source, target,
        format, requestId });
    } catch (error) {
      if (round === generation) fail(error);
      return;
    } finally {
      inflight.delete(requestId);
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
    if (!sawFirstView || queued.length) {
      report(state); // a background tab: nothing on screen has been looked at yet
      return;
    }
    state = "translated";
    report(state);
  }

  // The requests of a round that ends go nowhere: tell the extension to abort them.
  function abortInflight() {
    if (!inflight.size) return;
    ask({ type: "abort", ids: [...inflight] }).catch(() => {});
    inflight = new Set();
  }

  function showOriginal() {
    abortInflight();
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
    abortInflight();
    generation++;
    state = changes.length ? "translated" : "original";
    report("error");
    banner(String(error.message ?? error));
  }

  // -- our own UI: a banner and the selection tooltip, in a shadow root -------------

  function uiRoot() {
    if (!ui) {
      ui = document.createElement("offline-nlp-ui");
      uiShadow = ui.attachShadow({ mode: "closed" });
      uiShadow.innerHTML = `<style>
        .box { position: fixed; z-index: 2147483647; font: 14px/1.4 system-ui, sans-serif;
               background: #fff; color: #222; border: 1px solid #bbb; border-radius: 6px;
               box-shadow: 0 2px 10px rgba(0,0,0,.25); padding: 8px 12px; max-width: 420px; }
        .banner { top: 12px; right: 12px; } button { margin-left: 8px; }</style>`;
    }
    if (!ui.isConnected) document.documentElement.append(ui);
    return uiShadow;
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
    close.addEventListener("click", (event) => {
      if (!event.isTrusted) return;
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
  // Only the user's own events count (isTrusted): a page that selects its hidden text and
  // dispatches a mouseup must not get a translation it could not otherwise ask for.
  document.addEventListener("mousedown", (event) => {
    if (!event.isTrusted || !ui || event.composedPath().includes(ui)) return;
    uiShadow.querySelector(".tooltip")?.remove();
    if (!uiShadow.querySelector(".box")) removeUi();
  });
  document.addEventListener("mouseup", (event) => {
    if (!event.isTrusted || (ui && event.composedPath().includes(ui))) return;
    const selection = String(globalThis.getSelection?.() ?? "").trim();
    if (!selection || !LETTER.test(selection) || selection.length > 5000) return;
    const x = Math.min(event.clientX, innerWidth - 440);
    const y = event.clientY + 16;
    const offer = box("tooltip", "", x, y);
    const button = document.createElement("button");
    button.textContent = "Translate selection";
    offer.prepend(button);
    button.addEventListener("click", async (event) => {
      if (!event.isTrusted) return;
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

  addEventListener("pagehide", abortInflight); // leaving mid-translation frees the server

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
