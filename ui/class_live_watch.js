// The live class's shared pieces (ui/class_live.py puts this file before ui/class_live.js in one module): fetch with a
// time limit, the class-gone check, small DOM helpers, and ``watch``, the long poll on /api/class/CODE/stage with its
// backoff after errors and its wake-up when the page becomes visible again.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
const LONG_POLL_MS = 35000; // the server holds a poll 25 s: past 35 s the connection is dead (a phone changed Wi-Fi)
const REQUEST_MS = 10000; // a round's view or an answer

// fetch() that gives up after ``ms`` (or when ``outer`` aborts): a dropped connection never hangs a watcher.
async function fetchWithin(url, options, ms, outer) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const stop = () => controller.abort();
  if (outer) outer.addEventListener("abort", stop);
  try {
    return await fetch(url, { ...options, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    if (outer) outer.removeEventListener("abort", stop);
  }
}

// A 404 that says the class is gone (the routes' own JSON), not one from a proxy that does not know the routes.
async function classGone(response) {
  if (response.status !== 404) return false;
  try {
    return (await response.json()).error === "no_class";
  } catch (problem) {
    return false;
  }
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

// A translated sentence with {placeholders} and **bold**, built as text nodes (a nickname is never parsed as HTML).
function sentence(tag, className, template, values) {
  const made = element(tag, className);
  const filled = template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
  filled.split("**").forEach((part, i) => {
    if (part) made.appendChild(i % 2 ? element("strong", "", part) : document.createTextNode(part));
  });
  return made;
}

function watch(data, live, onStage, onTrouble) {
  const base = `${data.api}/${encodeURIComponent(data.code)}/stage`;
  let stopped = false;
  let seen = "";
  let controller = null;
  let failures = 0;
  let wake = null; // ends a wait early when the page becomes visible again

  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { clearTimeout(timer); resolve(); };
  });

  async function loop() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const query = `?seen=${encodeURIComponent(seen)}${live ? "&live=1" : ""}`;
        const response = await fetchWithin(base + query, { cache: "no-store" }, LONG_POLL_MS, controller.signal);
        if (await classGone(response)) {
          onTrouble("gone");
          return;
        }
        if (response.status === 503) { // the server is busy: it says when to come back
          const after = Number(response.headers.get("Retry-After")) || 2;
          onTrouble("offline");
          await pause(after * 1000 * (1 + Math.random())); // not all at the same moment
          continue;
        }
        if (response.status === 204) continue; // the server let the poll go: ask again
        if (!response.ok) throw new Error(`stage: HTTP ${response.status}`);
        const stage = await response.json();
        const key = live ? stage.live : stage.version;
        if (key !== seen) {
          const goOn = await onStage(stage); // throws on a failed round fetch: then the same stage is handled again
          seen = key;
          if (goOn === false) return; // the page takes over (the class ended, or this device is no longer in it)
        }
        failures = 0;
        onTrouble("");
      } catch (problem) {
        if (stopped) return;
        if (problem && problem.name === "AbortError" && controller.signal.aborted) continue; // visible again: ask now
        failures += 1; // a network error, an HTTP error, or a poll past LONG_POLL_MS
        onTrouble("offline");
        await pause(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1]);
      }
    }
  }

  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    if (controller) controller.abort();
    if (wake) wake();
  };
  document.addEventListener("visibilitychange", onVisible);
  loop();
  return () => {
    stopped = true;
    document.removeEventListener("visibilitychange", onVisible);
    if (controller) controller.abort();
  };
}
