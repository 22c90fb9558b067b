// Sandbox mode only: a virtual phone writes to the line, so the whole flow (message in, webhook out) can be tried
// without a phone.
import { announce, field, fill, h, showError } from "./dom.js";
import { digits } from "./api.js";

export function sandboxMessagePanel(ctx, id, onSent) {
  let linePhone = null;
  const fromSelect = h("select", { name: "from" });
  const newPhone = h("input", { type: "tel", name: "new_phone", autocomplete: "off", value: ctx.suggestPhone() });
  const newField = field("New virtual phone number", newPhone);
  const text = h("input", { name: "text", autocomplete: "off", value: "Hello from a virtual phone", required: true, maxlength: "4096" });
  const send = h("button", { type: "submit", class: "button primary" }, "Send from the virtual phone");
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "stack" },
    field("From", fromSelect, "A virtual phone in the sandbox (not the line's own number)."),
    newField,
    field("Message", text),
    h("div", { class: "row" }, send),
    note, error);

  const syncNew = () => { newField.hidden = fromSelect.value !== ""; };
  fromSelect.addEventListener("change", syncNew);

  async function loadPhones() {
    try {
      const accounts = await ctx.sandboxApi.accounts();
      const others = accounts.filter((a) => a.phone !== linePhone);
      const chosen = fromSelect.value;
      fill(fromSelect,
        others.map((a) => h("option", { value: a.phone }, `+${a.phone}`)),
        h("option", { value: "" }, "A new virtual phone…"));
      fromSelect.value = others.some((a) => a.phone === chosen) ? chosen : (others[0]?.phone ?? "");
      syncNew();
    } catch (failure) {
      showError(error, failure);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    if (!linePhone) {
      showError(error, new Error("The line has no phone yet: link it first."));
      return;
    }
    send.disabled = true;
    try {
      let from = fromSelect.value;
      if (from === "") {
        from = digits(newPhone.value);
        await ctx.sandboxApi.ensureAccount(from, "Virtual phone");
        newPhone.value = ctx.suggestPhone();
        await loadPhones();
        fromSelect.value = from;
        syncNew();
      }
      const sent = await ctx.sandboxApi.send(from, linePhone, text.value);
      note.textContent = `Sent from +${from} (message ${sent.msg_id}). It reaches the line in a moment.`;
      announce("Message sent from the virtual phone.");
      onSent();
    } catch (failure) {
      showError(error, failure);
    } finally {
      send.disabled = false;
    }
  });

  const element = h("section", { class: "card sandbox", "aria-labelledby": `sandbox-send-${id}`, hidden: true },
    h("h2", { id: `sandbox-send-${id}` }, "Message the line from a virtual phone"),
    h("p", {}, "Sandbox: a virtual phone writes to this line, so you can watch the message arrive at your webhook."),
    form);
  return {
    element,
    update(view) {
      const phone = view.phone_jid ? view.phone_jid.split("@")[0] : null;
      const show = view.status === "connected" && phone !== null;
      if (show && (element.hidden || phone !== linePhone)) {
        linePhone = phone;
        loadPhones();
      }
      element.hidden = !show;
    },
  };
}
