// The options page: server address, key, target language, "always translate" lists and
// the glossary file (its text is stored and sent with each request; the server checks it).
"use strict";

const form = document.getElementById("options");
const status = document.getElementById("status");
const glossaryInfo = document.getElementById("glossaryInfo");
let glossary = null; // null until loaded or chosen: a file chosen early is not undone

function showGlossary() {
  glossaryInfo.textContent = glossary?.glossary
    ? `${glossary.glossaryName}: ${glossaryTerms(glossary.glossary)} terms.` : "No glossary.";
}

function say(text, error = false) {
  status.textContent = text;
  status.className = error ? "error" : "";
}

function list(text) {
  return text.split(/[\s,]+/).map((item) => item.trim().toLowerCase()).filter(Boolean);
}

async function fillTargets(settings) {
  const select = document.getElementById("target");
  let languages = [];
  try {
    const response = await fetch(`${settings.serverUrl.replace(/\/+$/, "")}/languages`);
    languages = await response.json();
    say(`Connected: ${languages.length} languages installed.`);
  } catch (error) {
    say(serverMissing(settings.serverUrl), true);
  }
  const codes = new Set(languages.map((l) => l.code));
  if (!codes.has(settings.target)) languages.push({ code: settings.target, name: settings.target });
  select.replaceChildren(...languages.map((language) => {
    const option = document.createElement("option");
    option.value = language.code;
    option.textContent = `${language.name} (${language.code})`;
    option.selected = language.code === settings.target;
    return option;
  }));
}

async function show() {
  const settings = await loadSettings();
  document.getElementById("serverUrl").value = settings.serverUrl;
  document.getElementById("apiKey").value = settings.apiKey;
  document.getElementById("alwaysLanguages").value = settings.alwaysLanguages.join(", ");
  document.getElementById("alwaysSites").value = settings.alwaysSites.join("\n");
  glossary ??= { glossary: settings.glossary, glossaryName: settings.glossaryName };
  showGlossary();
  await fillTargets(settings);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await api.storage.local.set({
    serverUrl: document.getElementById("serverUrl").value.trim(),
    apiKey: document.getElementById("apiKey").value.trim(),
    target: document.getElementById("target").value,
    alwaysLanguages: list(document.getElementById("alwaysLanguages").value),
    alwaysSites: list(document.getElementById("alwaysSites").value),
    ...(glossary ?? {}),
  });
  say("Saved.");
});

document.getElementById("glossaryFile").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  if (file.size > GLOSSARY_MAX_BYTES) {
    say(`${file.name} is larger than ${GLOSSARY_MAX_BYTES / 1024} KiB: not used.`, true);
    return;
  }
  try {
    glossary = { glossary: await file.text(), glossaryName: file.name };
  } catch (error) {
    say(`${file.name} cannot be read: ${error}`, true);
    return;
  }
  showGlossary();
  say("Save to use the glossary.");
});

document.getElementById("clearGlossary").addEventListener("click", () => {
  glossary = { glossary: "", glossaryName: "" };
  document.getElementById("glossaryFile").value = "";
  showGlossary();
  say("Save to stop using the glossary.");
});

document.getElementById("check").addEventListener("click", async () => {
  await fillTargets({ ...(await loadSettings()),
    serverUrl: document.getElementById("serverUrl").value.trim() });
});

show();
