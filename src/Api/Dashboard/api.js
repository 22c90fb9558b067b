// The admin API as the dashboard uses it. The admin key lives in sessionStorage (this tab only, gone when it closes)
// and is sent only as the Authorization header — never in a URL, a query string or a log.

const KeyName = "waengine.adminKey";

/** An answer other than 2xx: the contract's error sentence, its code and the HTTP status. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function storedKey() {
  return sessionStorage.getItem(KeyName);
}

export function storeKey(key) {
  sessionStorage.setItem(KeyName, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KeyName);
}

/** Calls the service. `onUnauthorized` runs when the key stops being accepted (e.g. it changed on the server). */
export class Api {
  constructor(key, onUnauthorized = () => {}) {
    this.key = key;
    this.onUnauthorized = onUnauthorized;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.key}`, ...extra };
  }

  async request(method, path, body, { signal, admin = true } = {}) {
    const headers = admin ? this.headers() : {};
    const init = { method, headers, signal, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (failure) {
      if (failure.name === "AbortError") throw failure;
      throw new ApiError(0, "The service did not answer. Is it still running?", "unreachable");
    }
    if (response.status === 401 && admin) {
      this.onUnauthorized();
      throw new ApiError(401, "The admin key was not accepted.", "unauthorized");
    }
    if (response.status === 204) return null;
    const type = response.headers.get("Content-Type") ?? "";
    const data = type.includes("json") ? await response.json() : null;
    if (!response.ok) {
      throw new ApiError(response.status, data?.error ?? `The service answered ${response.status}.`, data?.code);
    }
    return data;
  }

  get(path, options) { return this.request("GET", path, undefined, options); }
  post(path, body, options) { return this.request("POST", path, body ?? undefined, options); }
  put(path, body, options) { return this.request("PUT", path, body, options); }
  delete(path, options) { return this.request("DELETE", path, undefined, options); }

  /** The line's current QR as an image blob (fetched with the key, so it cannot be a plain <img src>). */
  async qrImage(id, signal) {
    const response = await fetch(`/api/sessions/${id}/qr.png`, { headers: this.headers(), signal, cache: "no-store" });
    if (!response.ok) throw new ApiError(response.status, "The QR is not available now.", "no_qr");
    return response.blob();
  }

  /** Checks a key without keeping it: true when the service accepts it. */
  static async accepts(key) {
    const response = await fetch("/api/sessions", { headers: { Authorization: `Bearer ${key}` }, cache: "no-store" });
    if (response.status === 401) return false;
    if (!response.ok) throw new ApiError(response.status, `The service answered ${response.status}.`);
    return true;
  }
}

/** The sandbox's control API (no key: it exists only in --sandbox mode, on this same origin). */
export class SandboxApi {
  constructor(api) {
    this.api = api;
  }

  call(method, path, body) {
    return this.api.request(method, `/sandbox${path}`, body, { admin: false });
  }

  accounts() { return this.call("GET", "/accounts"); }

  /** Creates the virtual phone unless it exists already. */
  async ensureAccount(phone, pushName) {
    try {
      return await this.call("POST", "/accounts", { phone, push_name: pushName || undefined });
    } catch (error) {
      if (error.status === 409) return null;
      throw error;
    }
  }

  scan(phone, qr) { return this.call("POST", `/accounts/${encodeURIComponent(digits(phone))}/scan`, { qr }); }
  linkCode(phone, code) { return this.call("POST", `/accounts/${encodeURIComponent(digits(phone))}/link-code`, { code }); }
  send(phone, to, text) { return this.call("POST", `/accounts/${encodeURIComponent(digits(phone))}/messages`, { to, text }); }
}

export function digits(phone) {
  return String(phone).replace(/\D/g, "");
}
