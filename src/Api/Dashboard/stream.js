// Follows /api/sessions/{id}/events with fetch and a streamed body (an EventSource cannot send the Authorization
// header, and the key must never go into a URL). One stream per followed line; it reconnects with a growing pause when
// the connection drops, and stops for good when its AbortSignal fires or the line is gone.

/**
 * Follows line `id`. `onEvent(name, data)` gets every event (`status`, `reason`, `qr`, `pairing_code`); `onState(state)`
 * gets "live", "reconnecting" or "ended". Returns a function that stops following.
 */
export function followLine(api, id, onEvent, onState = () => {}) {
  const controller = new AbortController();
  let pause = 1000;

  (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(`/api/sessions/${id}/events`, {
          headers: api.headers({ Accept: "text/event-stream" }),
          signal: controller.signal,
          cache: "no-store",
        });
        if (response.status === 401) {
          api.onUnauthorized();
          return;
        }
        if (response.status === 404) {
          onState("ended");
          return;
        }
        if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
        onState("live");
        pause = 1000;
        await readEvents(response.body, onEvent);
      } catch (failure) {
        if (controller.signal.aborted) return;
        if (failure?.name === "AbortError") return;
      }
      if (controller.signal.aborted) return;
      onState("reconnecting");
      await sleep(pause, controller.signal);
      pause = Math.min(pause * 2, 30000);
    }
  })();

  return () => controller.abort();
}

/** Reads a text/event-stream body to its end, calling `onEvent` per event; comment lines (keep-alives) are skipped. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let name = "message";
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, "");
      buffer = buffer.slice(end + 1);
      if (line === "") {
        if (data.length > 0) dispatch(onEvent, name, data.join("\n"));
        name = "message";
        data = [];
      } else if (line.startsWith(":")) {
        continue;
      } else if (line.startsWith("event:")) {
        name = line.slice(6).trim();
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
}

function dispatch(onEvent, name, text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return;
  }
  onEvent(name, data);
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
