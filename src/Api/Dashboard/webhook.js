// The line's webhook (URL, secret, events) and its recent deliveries with status, attempts, last error and a retry.
import { announce, field, fill, h, showError } from "./dom.js";
import { ago, when } from "./format.js";

const Events = [
  ["messages.received", "Incoming messages"],
  ["message.status", "Status of sent messages"],
  ["session.status", "Line status changes"],
];

export function webhookPanel(ctx, id) {
  const urlInput = h("input", { type: "url", name: "url", autocomplete: "off", placeholder: "http://127.0.0.1:5678/webhook/waengine", required: true });
  const secretInput = h("input", { type: "password", name: "secret", autocomplete: "new-password" });
  const secretNote = h("p", { class: "hint" });
  const boxes = Events.map(([name, label]) => {
    const box = h("input", { type: "checkbox", name: "events", value: name, id: `ev-${id}-${name.replace(".", "-")}` });
    return { name, box, element: h("div", { class: "check" }, box, h("label", { for: box.id }, `${label} (${name})`)) };
  });
  const save = h("button", { type: "submit", class: "button primary" }, "Save webhook");
  const saved = h("p", { class: "muted", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "stack" },
    field("Webhook URL", urlInput, "An http:// or https:// address; a receiver on this machine (127.0.0.1) is fine."),
    field("Secret (optional)", secretInput, "Signs every delivery (X-WaEngine-Signature). Saving sets it anew: leave it empty to send unsigned."),
    secretNote,
    h("fieldset", { class: "events" }, h("legend", {}, "Events"), boxes.map((b) => b.element)),
    h("div", { class: "row" }, save),
    saved, error);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const events = boxes.filter((b) => b.box.checked).map((b) => b.name);
    if (events.length === 0) {
      showError(error, new Error("Choose at least one event."));
      return;
    }
    save.disabled = true;
    try {
      const body = { url: urlInput.value.trim(), events };
      if (secretInput.value) body.secret = secretInput.value;
      const answer = await ctx.api.put(`/api/sessions/${id}/webhook`, body);
      secretInput.value = "";
      drawSecret(answer.has_secret);
      saved.textContent = "Saved. New events go to this URL; pending deliveries too.";
      announce("Webhook saved.");
      await loadDeliveries();
    } catch (failure) {
      showError(error, failure);
    } finally {
      save.disabled = false;
    }
  });

  const drawSecret = (hasSecret) => {
    secretNote.textContent = hasSecret ? "Deliveries are signed with a secret now." : "Deliveries are not signed now.";
  };

  const rows = h("tbody");
  const deliveriesError = h("p", { class: "error", role: "alert", hidden: true });
  const refresh = h("button", { type: "button", class: "button small" }, "Refresh deliveries");
  const table = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Recent deliveries" },
    h("table", { class: "deliveries" },
      h("caption", { class: "visually-hidden" }, "Recent webhook deliveries, newest first"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Event"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col" }, "Attempts"),
        h("th", { scope: "col" }, "Last attempt"),
        h("th", { scope: "col" }, "Last error"),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      rows));

  // Only the answer to the latest read is drawn (an earlier one arriving late would show an older list).
  let reads = 0;
  async function loadDeliveries() {
    const mine = ++reads;
    try {
      const deliveries = await ctx.api.get(`/api/sessions/${id}/webhook/deliveries?limit=20`);
      if (mine !== reads) return;
      showError(deliveriesError, null);
      if (deliveries.length === 0) {
        fill(rows, h("tr", {}, h("td", { colspan: "6", class: "muted" }, "No deliveries yet.")));
        return;
      }
      fill(rows, deliveries.map((delivery) => deliveryRow(delivery)));
    } catch (failure) {
      showError(deliveriesError, failure);
    }
  }

  function deliveryRow(delivery) {
    const retry = h("button", { type: "button", class: "button small", "aria-label": `Retry delivery ${delivery.delivery_id}` }, "Retry");
    retry.addEventListener("click", async () => {
      retry.disabled = true;
      try {
        await ctx.api.post(`/api/sessions/${id}/webhook/deliveries/${encodeURIComponent(delivery.delivery_id)}/retry`);
        announce(`Delivery ${delivery.delivery_id} goes out again.`);
        await loadDeliveries();
      } catch (failure) {
        showError(deliveriesError, failure);
        retry.disabled = false;
      }
    });
    const lastError = delivery.last_error
      ? `${delivery.last_status_code ? `HTTP ${delivery.last_status_code}: ` : ""}${delivery.last_error}`
      : "—";
    return h("tr", { "data-delivery": delivery.delivery_id, "data-status": delivery.status },
      h("td", {}, h("span", { class: "event" }, delivery.event), h("br"), h("code", { class: "small" }, delivery.delivery_id)),
      h("td", {}, h("span", { class: `pill ${delivery.status === "delivered" ? "good" : delivery.status === "failed" ? "bad" : "busy"}` }, delivery.status)),
      h("td", { "data-label": "Attempts" }, String(delivery.attempts)),
      h("td", { "data-label": "Last attempt" }, delivery.last_attempt_at
        ? h("time", { datetime: delivery.last_attempt_at, title: when(delivery.last_attempt_at), "data-ago": delivery.last_attempt_at }, ago(delivery.last_attempt_at))
        : "—"),
      h("td", { class: "last-error", "data-label": "Last error" }, lastError),
      h("td", {}, retry));
  }

  refresh.addEventListener("click", loadDeliveries);

  (async () => {
    try {
      const current = await ctx.api.get(`/api/sessions/${id}/webhook`);
      urlInput.value = current.url ?? "";
      for (const b of boxes) b.box.checked = current.events.includes(b.name);
      drawSecret(current.has_secret);
    } catch (failure) {
      showError(error, failure);
    }
    await loadDeliveries();
  })();

  const element = h("section", { class: "card", "aria-labelledby": `webhook-${id}` },
    h("h2", { id: `webhook-${id}` }, "Webhook"),
    form,
    h("div", { class: "row spread" }, h("h3", {}, "Recent deliveries"), refresh),
    deliveriesError,
    table);
  return { element, refresh: loadDeliveries };
}
