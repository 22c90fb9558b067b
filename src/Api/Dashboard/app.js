// The dashboard's entry: finds out whether the service runs its sandbox, signs in with the admin key, and shows the
// lines list (#/) or one line (#/lines/{id}). No build step, no framework, nothing from outside this origin.
import { Api, SandboxApi, forgetKey, storeKey, storedKey } from "./api.js";
import { announce, field, fill, h, showError } from "./dom.js";
import { ago } from "./format.js";
import { renderLines } from "./lines.js";
import { renderLine } from "./line.js";

const main = document.getElementById("main");
const signOut = document.getElementById("sign-out");
const nav = document.getElementById("nav");
const banner = document.getElementById("sandbox-banner");

const ctx = {
  api: null,
  sandboxApi: null,
  sandbox: false,
  // Tokens shown once: only in this tab's memory, only until the line's page is left.
  tokens: new Map(),
  suggestPhone: () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`,
};
let leave = () => {};

async function boot() {
  try {
    const health = await (await fetch("/health", { cache: "no-store" })).json();
    ctx.sandbox = health.sandbox === true;
  } catch {
    ctx.sandbox = false;
  }
  banner.hidden = !ctx.sandbox;
  document.body.classList.toggle("is-sandbox", ctx.sandbox);
  const key = storedKey();
  if (key) {
    signIn(key);
  } else {
    showSignIn();
  }
  window.addEventListener("hashchange", route);
  // Relative times ("12 s ago") stay true without asking the service anything.
  setInterval(() => {
    for (const element of document.querySelectorAll("[data-ago]")) element.textContent = ago(element.dataset.ago);
  }, 5000);
}

function signIn(key) {
  ctx.api = new Api(key, () => showSignIn("The admin key is no longer accepted. Sign in again."));
  ctx.sandboxApi = new SandboxApi(ctx.api);
  signOut.hidden = false;
  nav.hidden = false;
  route();
}

function showSignIn(message) {
  leave();
  leave = () => {};
  forgetKey();
  ctx.api = null;
  ctx.tokens.clear();
  signOut.hidden = true;
  nav.hidden = true;
  const input = h("input", { type: "password", name: "admin_key", autocomplete: "off", required: true, spellcheck: "false" });
  const button = h("button", { type: "submit", class: "button primary" }, "Sign in");
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "stack" },
    field("Admin key", input, "Printed once when the service first started and kept in data/admin.key (or WAENGINE_ADMIN_KEY)."),
    h("div", { class: "row" }, button),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    button.disabled = true;
    const key = input.value.trim();
    try {
      if (!await Api.accepts(key)) {
        showError(error, new Error("That admin key is not right. Check data/admin.key and try again."));
        input.select();
        return;
      }
      storeKey(key);
      announce("Signed in.");
      signIn(key);
    } catch (failure) {
      showError(error, failure);
    } finally {
      button.disabled = false;
    }
  });
  fill(main,
    h("section", { class: "card narrow", "aria-labelledby": "sign-in-title" },
      h("h1", { id: "sign-in-title", tabindex: "-1" }, "Sign in"),
      h("p", {}, "The dashboard manages this service's WhatsApp lines. The key stays in this browser tab only."),
      form,
      message ? h("p", { class: "error", role: "alert" }, message) : null));
  input.focus();
}

function route() {
  if (!ctx.api) return;
  leave();
  const match = /^#\/lines\/(\d+)$/.exec(location.hash);
  leave = match ? renderLine(main, ctx, Number(match[1])) : renderLines(main, ctx);
  // Keyboard and screen-reader users land on the new page's heading.
  main.querySelector("h1")?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

signOut.addEventListener("click", () => {
  showSignIn();
  history.replaceState(null, "", "#/");
  announce("Signed out.");
});

boot();
