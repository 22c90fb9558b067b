// One line's page: status (live from its event stream), reason, health, pairing, actions, token, webhook and, in
// sandbox mode, a virtual phone to message it.
import { followLine } from "./stream.js";
import { announce, confirmStep, fill, h, showError } from "./dom.js";
import { phoneOf } from "./format.js";
import { healthFigures, reasonParagraph, statusPill } from "./health.js";
import { pairingPanel } from "./pairing.js";
import { tokenPanel } from "./token.js";
import { webhookPanel } from "./webhook.js";
import { sandboxMessagePanel } from "./sandbox.js";

export function renderLine(main, ctx, id) {
  let view = null;
  let stopFollowing = () => {};
  const heading = h("h1", { tabindex: "-1" }, `Line ${id}`);
  const pill = h("span", { class: "pill idle" }, "…");
  const who = h("p", { class: "phone" });
  const reason = h("div", { role: "status", "aria-live": "polite" });
  const live = h("p", { class: "muted small" }, "Connecting to the live status…");
  const figures = h("div");
  const pageError = h("p", { class: "error", role: "alert", hidden: true });

  const action = (label, run, options = {}) => {
    const button = h("button", { type: "button", class: `button ${options.danger ? "danger" : ""}` }, label);
    button.addEventListener("click", async () => {
      if (options.confirm && !await confirmStep(options.confirm)) return;
      showError(pageError, null);
      button.disabled = true;
      try {
        await run();
      } catch (failure) {
        showError(pageError, failure);
      } finally {
        button.disabled = false;
        drawActions();
      }
    });
    return button;
  };
  // The command's own answer can trail the stream (it says "starting" when the stream already said "scan_qr"): the
  // page shows a fresh view read after it instead.
  const command = (name) => async () => {
    await ctx.api.post(`/api/sessions/${id}/${name}`);
    await refreshView();
  };
  const start = action("Start", command("start"));
  const stop = action("Stop", command("stop"));
  const restart = action("Restart", command("restart"));
  const logout = action("Log out", command("logout"), {
    danger: true,
    confirm: {
      title: "Log the line out?",
      text: "The phone unlinks this line and its credentials are wiped. To use it again you scan a new QR.",
      confirmLabel: "Log out",
    },
  });
  const remove = action("Delete", async () => {
    await ctx.api.delete(`/api/sessions/${id}`);
    announce("Line deleted.");
    location.hash = "#/";
  }, {
    danger: true,
    confirm: {
      title: "Delete this line?",
      text: "The line is logged out (when linked), its token stops working, and its messages, chats and webhook deliveries are removed. This cannot be undone.",
      confirmLabel: "Delete line",
    },
  });
  const actions = h("div", { class: "row wrap actions", role: "group", "aria-label": "Line actions" }, start, stop, restart, logout, remove);

  const pairing = pairingPanel(ctx, id);
  const token = tokenPanel(ctx, id);
  const webhook = webhookPanel(ctx, id);
  const sandbox = ctx.sandbox ? sandboxMessagePanel(ctx, id, () => {
    setTimeout(() => { webhook.refresh(); refreshView(); }, 1500);
  }) : null;

  function drawActions() {
    const status = view?.status;
    start.disabled = !["stopped", "logged_out", "failed"].includes(status);
    stop.disabled = !status || status === "stopped";
    restart.disabled = !status;
    logout.disabled = !view?.phone_jid || ["logged_out"].includes(status);
  }

  function draw() {
    if (!view) return;
    heading.textContent = view.name;
    const fresh = statusPill(view.status);
    pill.className = fresh.className;
    pill.dataset.status = view.status;
    pill.textContent = fresh.textContent;
    who.textContent = view.phone_jid
      ? `${view.status === "connected" ? "Connected as" : "Linked to"} ${phoneOf(view.phone_jid)}${view.me?.platform ? ` (${view.me.platform})` : ""}`
      : "No phone linked yet.";
    fill(reason, reasonParagraph(view));
    fill(figures, healthFigures(view));
    drawActions();
    sandbox?.update(view);
  }

  // Status changes come fast (connecting → connected): answers to earlier refreshes can arrive after later ones, so
  // only the answer to the latest refresh is drawn — it was asked for after the latest event, so it is never older.
  let refreshes = 0;
  async function refreshView() {
    const mine = ++refreshes;
    try {
      const fresh = await ctx.api.get(`/api/sessions/${id}`);
      if (mine !== refreshes) return;
      view = fresh;
      draw();
    } catch (failure) {
      if (failure.status === 404) {
        gone();
      } else {
        showError(pageError, failure);
      }
    }
  }

  function gone() {
    stopFollowing();
    fill(main, h("h1", { tabindex: "-1" }, "This line no longer exists"), h("p", {}, h("a", { href: "#/" }, "Back to all lines")));
  }

  const refresh = h("button", { type: "button", class: "button small" }, "Refresh figures");
  refresh.addEventListener("click", refreshView);

  fill(main,
    h("nav", { "aria-label": "Breadcrumb", class: "crumbs" }, h("a", { href: "#/" }, "← All lines")),
    h("div", { class: "row spread title" }, heading, pill),
    who, reason, live, pageError, actions,
    pairing.element,
    h("section", { class: "card", "aria-labelledby": `health-${id}` },
      h("div", { class: "row spread" }, h("h2", { id: `health-${id}` }, "Health"), refresh),
      figures),
    sandbox?.element,
    token.element,
    webhook.element);

  refreshView().then(() => {
    if (!view) return;
    stopFollowing = followLine(ctx.api, id, (name, data) => {
      pairing.onEvent(name, data);
      if (name === "status") {
        const changed = view.status !== data.status;
        view = { ...view, status: data.status };
        draw();
        if (changed) {
          announce(`Line ${view.name}: ${pill.textContent}.`);
          refreshView();
        }
      } else if (name === "reason") {
        view = { ...view, reason: data.reason, until: data.until ?? null };
        draw();
      }
    }, (state) => {
      if (state === "ended") {
        gone();
        return;
      }
      live.textContent = state === "live" ? "Live: changes appear as they happen." : "Reconnecting to the live status…";
    });
  });

  return () => {
    stopFollowing();
    pairing.dispose();
    token.forget();
  };
}
