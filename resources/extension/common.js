// Settings shared by the background script and the options page.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;

const DEFAULTS = {
  serverUrl: "http://127.0.0.1:5000",
  apiKey: "",
  target: "",               // empty: the browser's language
  alwaysLanguages: [],      // source languages translated on every page
  alwaysSites: [],          // host names translated on every page
  glossary: "",             // CSV/TSV text of terms, sent with every request
  glossaryName: "",         // the file it came from, to show
};

// The most glossary text stored and sent with each request (the server takes 1 MiB).
const GLOSSARY_MAX_BYTES = 512 * 1024;

function glossaryTerms(text) {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trim() && !line.trim().startsWith("#"))
    .length;
}

async function loadSettings() {
  const stored = await api.storage.local.get(Object.keys(DEFAULTS));
  const settings = { ...DEFAULTS, ...stored };
  if (!settings.target) {
    settings.target = (api.i18n?.getUILanguage?.() || navigator.language || "en")
      .split(/[-_]/)[0].toLowerCase();
  }
  return settings;
}

function serverMissing(url) {
  return `offline-nlp is not running at ${url}. Start it with "offline-nlp serve" in a ` +
    `terminal, or in the desktop app turn on Settings → "Let the browser extension and ` +
    `other apps use offline-nlp". The address is set in this extension's options.`;
}
