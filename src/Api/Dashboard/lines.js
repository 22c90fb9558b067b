// The lines list: every line with its status, phone, reason and health, followed live (one event stream per line,
// for the first few lines), and the form that creates a line.
import { followLine } from "./stream.js";
import { announce, field, fill, h, showError } from "./dom.js";
import { phoneOf } from "./format.js";
import { healthFigures, reasonParagraph, statusPill } from "./health.js";

/** Browsers open at most six connections to one host over HTTP/1.1: the list follows this many lines live. */
export const MaxLiveLines = 4;

export function renderLines(main, ctx) {
  const stops = [];
  const listError = h("p", { class: "error", role: "alert", hidden: true });
  const list = h("ul", { class: "lines", "aria-label": "Lines" });
  const heading = h("h1", { tabindex: "-1" }, "Lines");

  const nameInput = h("input", { name: "name", required: true, maxlength: "100", autocomplete: "off" });
  const webhookInput = h("input", { name: "webhook_url", type: "url", placeholder: "https://…", autocomplete: "off" });
  const createError = h("p", { class: "error", role: "alert", hidden: true });
  const createButton = h("button", { type: "submit", class: "button primary" }, "Create line");
  const form = h("form", { class: "stack", "aria-labelledby": "new-line-title" },
    field("Name", nameInput, "For you: e.g. sales, support."),
    field("Webhook URL (optional)", webhookInput, "Where the line posts incoming messages; you can set it later."),
    h("div", { class: "row" }, createButton),
    createError);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(createError, null);
    createButton.disabled = true;
    try {
      const body = { name: nameInput.value.trim() };
      if (webhookInput.value.trim()) body.webhook_url = webhookInput.value.trim();
      const created = await ctx.api.post("/api/sessions", body);
      ctx.tokens.set(created.id, created.token);
      announce(`Line ${created.name} created.`);
      location.hash = `#/lines/${created.id}`;
    } catch (error) {
      showError(createError, error);
    } finally {
      createButton.disabled = false;
    }
  });

  const refresh = h("button", { type: "button", class: "button small" }, "Refresh list");
  fill(main,
    heading,
    h("section", { class: "card", "aria-labelledby": "new-line-title" }, h("h2", { id: "new-line-title" }, "New line"), form),
    h("section", { "aria-labelledby": "lines-title" },
      h("div", { class: "row spread" }, h("h2", { id: "lines-title" }, "Your lines"), refresh),
      listError,
      list));

  const load = async () => {
    stops.splice(0).forEach((stop) => stop());
    try {
      const lines = await ctx.api.get("/api/sessions");
      showError(listError, null);
      if (lines.length === 0) {
        fill(list, h("li", { class: "empty" }, ctx.sandbox
          ? "No lines yet. Create one above, then let a virtual phone scan its QR."
          : "No lines yet. Create one above, then scan its QR with WhatsApp on your phone."));
        return;
      }
      fill(list, lines.map((line, index) => lineItem(ctx, line, index < MaxLiveLines, stops)));
    } catch (error) {
      showError(listError, error);
    }
  };
  refresh.addEventListener("click", load);
  load();
  return () => stops.splice(0).forEach((stop) => stop());
}

function lineItem(ctx, view, live, stops) {
  const item = h("li", { class: "card line-item", "data-line": view.id });
  const liveNote = h("p", { class: "muted small" }, live ? "Following live…" : "Not followed live here: open the line to follow it.");
  const draw = (current) => fill(item,
    h("div", { class: "row spread" },
      h("a", { href: `#/lines/${current.id}`, class: "line-name" }, current.name),
      statusPill(current.status)),
    h("p", { class: "phone" }, phoneOf(current.phone_jid) ?? "No phone linked yet"),
    reasonParagraph(current),
    healthFigures(current),
    liveNote);
  draw(view);
  if (live) {
    let current = view;
    let refreshes = 0;
    stops.push(followLine(ctx.api, view.id, async (name, data) => {
      if (name === "status" || name === "reason") {
        current = name === "reason"
          ? { ...current, status: data.status, reason: data.reason, until: data.until ?? null }
          : { ...current, status: data.status };
        draw(current);
        // Only the latest refresh is drawn: an earlier answer arriving late would show an older status.
        const mine = ++refreshes;
        try {
          const fresh = await ctx.api.get(`/api/sessions/${view.id}`);
          if (mine === refreshes) {
            current = fresh;
            draw(current);
          }
        } catch {
          // The stream says what matters; the figures catch up with the next event.
        }
      }
    }, (state) => {
      liveNote.textContent = state === "live" ? "Live" : state === "ended" ? "This line is gone." : "Reconnecting to the live status…";
    }));
  }
  return item;
}
