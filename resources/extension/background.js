// Background: talks to offline-nlp for the content scripts, and owns the toolbar button,
// the context menu, the shortcut and the badge. Requests go from here, not from the
// page, so a page's origin never reaches the server (which refuses web origins).
"use strict";

if (typeof importScripts === "function" && typeof loadSettings === "undefined") {
  importScripts("common.js"); // Chromium's service worker; Firefox lists it in the manifest
}

class ServerError extends Error {}

async function callServer(path, body, signal = undefined) {
  const settings = await loadSettings();
  const base = settings.serverUrl.replace(/\/+$/, "");
  const init = { method: body ? "POST" : "GET", signal };
  if (body) {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(settings.apiKey ? { ...body, api_key: settings.apiKey } : body);
  }
  let response;
  try {
    response = await fetch(base + path, init);
  } catch (error) {
    if (signal?.aborted) throw new ServerError("cancelled");
    throw new ServerError(serverMissing(base));
  }
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    const hint = response.status === 403 && /API key/.test(data.error ?? "")
      ? " (set the key in this extension's options)" : "";
    throw new ServerError(`offline-nlp: ${data.error ?? response.statusText}${hint}`);
  }
  return data;
}

let languagesCache = null;
let limitsCache = null;

// The server's own limit on characters per request (/frontend/settings), so a page is
// cut into requests it accepts: `serve --char-limit 1000` must not fail every page.
async function limits() {
  limitsCache ??= callServer("/frontend/settings").then(
    (settings) => ({ charLimit: Number(settings.charLimit) || 0 }),
    (error) => {
      limitsCache = null;
      throw error;
    });
  return limitsCache;
}

// Requests in flight per tab and frame, so a page that goes away (or shows its original,
// or starts again) aborts them: the server then drops their sentences at once instead of
// making the next page wait behind them.
const inflight = new Map();

function inflightKey(sender, requestId) {
  return `${sender.tab?.id}:${sender.frameId ?? 0}:${requestId}`;
}

function abortWhere(matches) {
  for (const [key, controller] of inflight) {
    if (matches(key)) {
      controller.abort();
      inflight.delete(key);
    }
  }
}

async function languages() {
  languagesCache ??= callServer("/languages").catch((error) => {
    languagesCache = null;
    throw error;
  });
  return languagesCache;
}

const handlers = {
  async settings() {
    return loadSettings();
  },
  async languages() {
    return languages();
  },
  async limits() {
    return limits();
  },
  async translate({ q, source, target, format, requestId }, sender) {
    const controller = new AbortController();
    const key = inflightKey(sender, requestId);
    inflight.set(key, controller);
    try {
      const { glossary } = await loadSettings();
      const body = glossary ? { q, source, target, format, glossary } : { q, source, target, format };
      return await callServer("/translate", body, controller.signal);
    } finally {
      inflight.delete(key);
    }
  },
  async abort({ ids }, sender) {
    const keys = new Set((ids ?? []).map((id) => inflightKey(sender, id)));
    abortWhere((key) => keys.has(key));
    return true;
  },
  async detect({ q }) {
    return callServer("/detect", { q });
  },
  async progress({ done, total, state }, sender) {
    if (sender.frameId) return true; // a frame's progress is not the page's
    setBadge(sender.tab?.id, state, done, total);
    return true;
  },
  async toggle({ tabId }) {
    const answer = await toggleTab(tabId);
    if (!answer?.ok) throw new Error(answer?.error ?? "the page did not answer");
    return answer.result;
  },
  async alwaysSite({ host }) {
    const settings = await loadSettings();
    if (!settings.alwaysSites.includes(host)) {
      await api.storage.local.set({ alwaysSites: [...settings.alwaysSites, host] });
    }
    return true;
  },
};

api.runtime.onMessage.addListener((message, sender, reply) => {
  const handler = handlers[message?.type];
  if (!handler) return false;
  handler(message, sender).then(
    (result) => reply({ ok: true, result }),
    (error) => reply({ ok: false, error: String(error.message ?? error) }),
  );
  return true; // the reply comes later
});

function setBadge(tabId, state, done, total) {
  if (tabId === undefined) return;
  const text = state === "error" ? "!"
    : state === "translating" && total ? `${Math.floor((100 * done) / total)}%`
    : state === "translated" ? "✓" : "";
  api.action.setBadgeText({ tabId, text });
  api.action.setBadgeBackgroundColor({ tabId, color: state === "error" ? "#c62828" : "#2e7d32" });
}

async function toggleTab(tabId, type = "toggle") {
  try {
    return await api.tabs.sendMessage(tabId, { type });
  } catch (error) {
    return { ok: false, error: "this page cannot be translated (browser pages and stores are off limits)" };
  }
}

api.action.onClicked.addListener((tab) => toggleTab(tab.id));

api.tabs.onRemoved.addListener((tabId) => abortWhere((key) => key.startsWith(`${tabId}:`)));
api.storage.onChanged.addListener(() => {
  languagesCache = null; // another server address or key: ask again
  limitsCache = null;
});

api.commands.onCommand.addListener(async (command, tab) => {
  if (command !== "toggle-translation") return;
  const target = tab ?? (await api.tabs.query({ active: true, currentWindow: true }))[0];
  if (target) toggleTab(target.id);
});

api.runtime.onInstalled.addListener(() => {
  api.contextMenus.create({
    id: "toggle-translation", title: "Translate this page / show original", contexts: ["page"],
  });
  api.contextMenus.create({
    id: "always-site", title: "Always translate this site", contexts: ["page"],
  });
});

api.contextMenus.onClicked.addListener(async (info, tab) => {
  if (info.menuItemId === "toggle-translation") {
    toggleTab(tab.id);
  } else if (info.menuItemId === "always-site" && tab?.url) {
    await handlers.alwaysSite({ host: new URL(tab.url).hostname });
    toggleTab(tab.id, "translate");
  }
});
