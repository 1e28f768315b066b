// The options page: server address, key, target language and "always translate" lists.
"use strict";

const form = document.getElementById("options");
const status = document.getElementById("status");

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
  });
  say("Saved.");
});

document.getElementById("check").addEventListener("click", async () => {
  await fillTargets({ ...(await loadSettings()),
    serverUrl: document.getElementById("serverUrl").value.trim() });
});

show();
