// The line's token: shown once (right after the line was created or the token rotated, and only in this tab's memory),
// a confirmed rotation, and a ready-to-paste n8n HTTP Request node that sends with it.
import { announce, confirmStep, copyButton, fill, h, showError } from "./dom.js";

const Placeholder = "PASTE-THE-LINE-TOKEN-HERE";

export function tokenPanel(ctx, id) {
  const tokenBox = h("div", { class: "token-box", hidden: true });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const rotate = h("button", { type: "button", class: "button danger-outline" }, "Rotate token");
  const snippet = h("pre", { class: "snippet", tabindex: "0", "aria-label": "n8n HTTP Request node (JSON)" });
  let token = null;

  const draw = () => {
    snippet.textContent = n8nNode(token ?? Placeholder);
    if (!token) {
      tokenBox.hidden = true;
      return;
    }
    tokenBox.hidden = false;
    fill(tokenBox,
      h("p", { class: "warning" }, "This is the line's token. It is shown only now: copy it into n8n (or wherever you send from) before you leave this page."),
      h("div", { class: "row wrap" },
        h("code", { class: "token", "data-token": token, "aria-label": "Line token" }, token),
        copyButton("Copy token", () => token)));
  };

  rotate.addEventListener("click", async () => {
    const sure = await confirmStep({
      title: "Rotate the token?",
      text: "A new token is issued and the current one stops working at once: every automation that uses it fails until you paste the new one.",
      confirmLabel: "Rotate token",
    });
    if (!sure) return;
    showError(error, null);
    try {
      token = (await ctx.api.post(`/api/sessions/${id}/token`)).token;
      ctx.tokens.set(id, token);
      draw();
      announce("A new token was issued; the old one no longer works.");
    } catch (failure) {
      showError(error, failure);
    }
  });

  token = ctx.tokens.get(id) ?? null;
  draw();

  const element = h("section", { class: "card", "aria-labelledby": `token-${id}` },
    h("h2", { id: `token-${id}` }, "Token and n8n"),
    h("p", {}, "Each line has one token; it goes in the X-API-Token header of every call to the line API. The service keeps only a hash of it."),
    tokenBox,
    h("div", { class: "row" }, rotate),
    error,
    h("h3", {}, "Send from n8n"),
    h("p", {}, "Copy this node and paste it into an n8n workflow (Ctrl+V on the canvas): an HTTP Request node that answers the sender of an incoming webhook message."),
    h("div", { class: "row" }, copyButton("Copy n8n node", () => snippet.textContent)),
    snippet);
  return { element, forget: () => ctx.tokens.delete(id) };
}

/** An n8n workflow fragment with one HTTP Request node sending a text through this service. */
function n8nNode(token) {
  const node = {
    nodes: [{
      parameters: {
        method: "POST",
        url: `${location.origin}/api/messages/send`,
        sendHeaders: true,
        headerParameters: { parameters: [{ name: "X-API-Token", value: token }] },
        sendBody: true,
        specifyBody: "json",
        jsonBody: "={\n  \"to\": \"{{ $json.body.data.messages.key.cleanedSenderPn }}\",\n  \"text\": \"Thanks, we got your message\"\n}",
        options: {},
      },
      name: "WaEngine: send text",
      type: "n8n-nodes-base.httpRequest",
      typeVersion: 4.2,
      position: [0, 0],
    }],
    connections: {},
  };
  return JSON.stringify(node, null, 2);
}
