// Linking a phone: the line's QR (a PNG from the API, replaced live as its refs rotate, with a countdown), or the
// phone-number flow with its 8-character code; in sandbox mode a virtual phone can do the phone's part.
import { announce, copyButton, field, fill, h, showError } from "./dom.js";
import { groupCode, secondsUntil } from "./format.js";

const Pairing = new Set(["starting", "scan_qr", "pairing_code"]);

export function pairingPanel(ctx, id) {
  let status = null;
  let qr = null;
  let code = null;
  let imageUrl = null;
  let loadToken = 0;

  const image = h("img", { class: "qr", width: "264", height: "264", alt: "", hidden: true });
  const qrNote = h("p", { class: "muted", "aria-live": "polite" }, "Waiting for the first QR…");
  const countdown = h("p", { class: "countdown", "aria-live": "off" });
  const qrError = h("p", { class: "error", role: "alert", hidden: true });
  const qrBox = h("div", { class: "qr-box" },
    h("div", { class: "qr-frame" }, image),
    h("div", { class: "stack" },
      h("p", {}, "On the phone: WhatsApp → Settings → Linked devices → Link a device, then point the camera at this code."),
      qrNote, countdown, qrError));

  // The phone-number flow.
  const phoneInput = h("input", { type: "tel", name: "phone", autocomplete: "off", placeholder: "+15550001111", required: true });
  const codeButton = h("button", { type: "submit", class: "button primary" }, "Get pairing code");
  const codeError = h("p", { class: "error", role: "alert", hidden: true });
  const codeForm = h("form", { class: "stack", hidden: true },
    field("Phone number of the WhatsApp account", phoneInput, "Digits with the country code, e.g. +49 151 2345678."),
    h("div", { class: "row" }, codeButton),
    codeError);
  const toggle = h("button", { type: "button", class: "button link", "aria-expanded": "false" }, "Use a phone number instead");
  toggle.addEventListener("click", () => {
    const open = codeForm.hidden;
    codeForm.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) phoneInput.focus();
  });
  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(codeError, null);
    codeButton.disabled = true;
    try {
      const answer = await ctx.api.post(`/api/sessions/${id}/pairing-code`, { phone: phoneInput.value.trim() });
      showCode(answer.code, phoneInput.value.trim());
    } catch (error) {
      showError(codeError, error);
    } finally {
      codeButton.disabled = false;
    }
  });

  const codeText = h("p", { class: "code", "data-code": "" });
  const codeBox = h("div", { class: "code-box", hidden: true, role: "group", "aria-label": "Pairing code" },
    h("p", {}, "On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type:"),
    codeText,
    h("div", { class: "row" }, copyButton("Copy code", () => code?.code ?? "")));

  // Sandbox: a virtual phone does the phone's part.
  const sandboxBox = ctx.sandbox ? sandboxPairing(ctx, id, () => qr, () => code) : null;

  const element = h("section", { class: "card", "aria-labelledby": `pair-${id}`, hidden: true },
    h("h2", { id: `pair-${id}` }, "Link a phone"),
    qrBox, toggle, codeForm, codeBox, sandboxBox?.element);

  function showCode(value, phone) {
    code = { code: value, phone };
    codeText.textContent = groupCode(value);
    codeText.dataset.code = value;
    codeText.setAttribute("aria-label", `Pairing code ${groupCode(value).split("").join(" ")}`);
    codeBox.hidden = false;
    qrBox.hidden = true;
    codeForm.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    announce(`Pairing code ${groupCode(value)}. Type it on the phone.`);
  }

  async function loadImage(expected) {
    const mine = ++loadToken;
    showError(qrError, null);
    // The API's current QR can trail the stream by a moment: wait until it is the one the event announced.
    for (let attempt = 0; attempt < 40 && mine === loadToken; attempt++) {
      try {
        const current = await ctx.api.get(`/api/sessions/${id}/qr`);
        if (current.qr === expected) {
          const blob = await ctx.api.qrImage(id);
          if (mine !== loadToken) return;
          if (imageUrl) URL.revokeObjectURL(imageUrl);
          imageUrl = URL.createObjectURL(blob);
          image.src = imageUrl;
          // An image the browser cannot decode shows its alt text; the size below then stays the default.
          await image.decode().catch(() => null);
          // Whole screen pixels per module (the PNG's size divided by a whole number): crisp edges a camera reads well.
          image.width = Math.round(image.naturalWidth / Math.max(1, Math.round(image.naturalWidth / 264)));
          image.removeAttribute("height");
          image.alt = "QR code to scan with WhatsApp on the phone";
          image.hidden = false;
          qrNote.textContent = "Scan this code.";
          return;
        }
      } catch (error) {
        if (error.status !== 409) {
          showError(qrError, error);
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (mine === loadToken) {
      showError(qrError, new Error("The QR could not be loaded. Restart the line for a fresh one."));
    }
  }

  function clearImage() {
    loadToken++;
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = null;
    image.removeAttribute("src");
    image.hidden = true;
    image.alt = "";
  }

  const tick = () => {
    if (!qr || status !== "scan_qr") {
      countdown.textContent = "";
      return;
    }
    const left = secondsUntil(qr.expires_at);
    countdown.textContent = left > 0 ? `New code in ${left} s` : "A new code is on its way…";
  };
  const clock = setInterval(tick, 1000);

  return {
    element,
    onEvent(name, data) {
      if (name === "status") {
        status = data.status;
        element.hidden = !Pairing.has(status);
        if (status !== "scan_qr") {
          qr = null;
          clearImage();
          qrNote.textContent = status === "pairing_code" ? "The line waits for the code to be typed on the phone." : "Waiting for the first QR…";
        } else {
          qrBox.hidden = false;
        }
        if (status !== "pairing_code") {
          code = null;
          codeBox.hidden = true;
        }
        sandboxBox?.update(status);
        tick();
      } else if (name === "qr") {
        qr = data;
        qrBox.hidden = false;
        loadImage(data.qr);
        tick();
      } else if (name === "pairing_code") {
        showCode(data.code, data.phone);
      }
    },
    dispose() {
      clearInterval(clock);
      clearImage();
    },
  };
}

function sandboxPairing(ctx, id, currentQr, currentCode) {
  const phoneInput = h("input", { type: "tel", name: "virtual_phone", autocomplete: "off", value: ctx.suggestPhone() });
  const scanButton = h("button", { type: "button", class: "button primary" }, "Scan with a virtual phone");
  const codeButton = h("button", { type: "button", class: "button primary", hidden: true }, "Type the code on the virtual phone");
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const run = async (button, step) => {
    showError(error, null);
    button.disabled = true;
    try {
      await step();
    } catch (failure) {
      showError(error, failure);
    } finally {
      button.disabled = false;
    }
  };
  scanButton.addEventListener("click", () => run(scanButton, async () => {
    const phone = phoneInput.value.trim();
    note.textContent = `Creating the virtual phone ${phone} and scanning…`;
    await ctx.sandboxApi.ensureAccount(phone, "Virtual phone");
    const current = currentQr() ?? await ctx.api.get(`/api/sessions/${id}/qr`);
    await ctx.sandboxApi.scan(phone, current.qr);
    note.textContent = `The virtual phone ${phone} scanned the QR; the line is linking.`;
  }));
  codeButton.addEventListener("click", () => run(codeButton, async () => {
    const code = currentCode();
    if (!code) throw new Error("There is no pairing code yet: ask for one with the phone number first.");
    await ctx.sandboxApi.ensureAccount(code.phone, "Virtual phone");
    await ctx.sandboxApi.linkCode(code.phone, code.code);
    note.textContent = `The virtual phone ${code.phone} accepted the code; the line is linking.`;
  }));
  const element = h("div", { class: "sandbox-box", role: "group", "aria-labelledby": `sandbox-pair-${id}` },
    h("h3", { id: `sandbox-pair-${id}` }, "No phone at hand? (sandbox)"),
    field("Virtual phone number", phoneInput, "A phone in the sandbox; it is created if it does not exist."),
    h("div", { class: "row" }, scanButton, codeButton),
    note, error);
  return {
    element,
    update(status) {
      scanButton.hidden = status !== "scan_qr";
      codeButton.hidden = status !== "pairing_code";
      phoneInput.closest(".field").hidden = status !== "scan_qr";
    },
  };
}
