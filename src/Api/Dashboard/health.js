// A line's status pill, reason sentence and health figures, shared by the list and the line's page.
import { h } from "./dom.js";
import { ago, reasonSentence, statusLabel, statusTone, when } from "./format.js";

export function statusPill(status) {
  return h("span", { class: `pill ${statusTone(status)}`, "data-status": status }, statusLabel(status));
}

/** The reason as a sentence (a paragraph), or null while the view has none. */
export function reasonParagraph(view) {
  const sentence = reasonSentence(view.reason, view.until);
  return sentence ? h("p", { class: "reason", "data-reason": view.reason }, sentence) : null;
}

/** The health figures as a description list; times are relative and kept fresh by the page's clock. */
export function healthFigures(view) {
  const health = view.health ?? {};
  const figure = (term, ...value) => h("div", { class: "figure" }, h("dt", {}, term), h("dd", {}, ...value));
  const time = (iso) => iso
    ? h("time", { datetime: iso, title: when(iso), "data-ago": iso }, ago(iso))
    : "—";
  return h("dl", { class: "figures" },
    figure("Connected since", time(health.connected_since)),
    figure("Last frame", time(health.last_frame_at)),
    figure("Reconnects (24 h)", String(health.reconnects_24h ?? 0)),
    figure("Send queue", String(health.send_queue ?? 0)),
    figure("Webhook backlog", String(health.webhook_backlog ?? 0)));
}
