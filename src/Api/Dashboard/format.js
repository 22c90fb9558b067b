// Words and numbers the way a person reads them: statuses, reasons, times, phone numbers and pairing codes.

const StatusLabels = {
  stopped: "Stopped",
  starting: "Starting",
  scan_qr: "Waiting for a scan",
  pairing_code: "Waiting for the code",
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  logged_out: "Logged out",
  failed: "Failed",
};

/** The label of a contract status (`scan_qr` → "Waiting for a scan"). */
export function statusLabel(status) {
  return StatusLabels[status] ?? status;
}

/** A tone for a status pill: good, busy, bad or idle. */
export function statusTone(status) {
  if (status === "connected") return "good";
  if (status === "logged_out" || status === "failed") return "bad";
  if (status === "stopped") return "idle";
  return "busy";
}

/**
 * A plain sentence for a session view's `reason`: what happened and what to do. Null when there is no reason.
 * `until` (for temporarily_banned) is shown when the service reports it.
 */
export function reasonSentence(reason, until) {
  if (!reason) return null;
  const [word, ...rest] = reason.split(":");
  const detail = rest.join(":").trim();
  if (word.startsWith("stream_error_")) {
    return `The server closed the connection (stream error ${word.slice(13)}). The line reconnects by itself.`;
  }
  if (word.startsWith("failure_")) {
    return `WhatsApp refused the login (${word.slice(8)}). Check the phone, then start the line again.`;
  }
  switch (word) {
    case "client_outdated":
      return "WhatsApp refused this client's version as outdated, and no newer WhatsApp Web version could be read. Set WhatsApp__Version to today's WhatsApp Web version (or update WaEngine), restart the service, then start the line again.";
    case "passkey_required":
      return "WhatsApp wants this account's passkey before it links a new device, and only the phone can give it. Open WhatsApp on the phone, go to Settings → Linked devices and confirm the link with your passkey when WhatsApp asks, then start the line again and scan the new QR.";
    case "temporarily_banned":
      return until
        ? `WhatsApp has banned this number for a while (until ${when(until)}). The line tries once by itself when the ban ends; do not start it earlier: a login during the ban makes it longer.`
        : "WhatsApp has banned this number for a while. Wait before starting the line again: a login during the ban makes it longer.";
    case "banned":
      return "WhatsApp has banned this number. The line cannot connect; an appeal is made from the WhatsApp app on the phone.";
    case "replaced":
    case "conflict":
      return "Another client logged in with this line's credentials and took over. Make sure only one engine uses this line, then start it again.";
    case "device_removed":
      return "The phone unlinked this line (Linked devices → Log out). Start the line again and scan a new QR to link it anew.";
    case "logout":
      return "The line was logged out. Start it again and scan a new QR to link a phone.";
    case "bad_user_agent":
      return "WhatsApp refused how this client identifies itself. Update WaEngine, then start the line again.";
    case "qr_refs_ended":
      return "Nobody scanned the QR in time. Start the line again for new codes.";
    case "server_not_trusted":
      return "The server's certificate does not lead to the trusted root key (WhatsApp__TrustedRootKey), so the line does not connect to it.";
    case "connect_failed":
      return `The line cannot reach the server${detail ? ` (${detail})` : ""}. It keeps trying.`;
    case "keepalive_timeout":
      return "The server stopped answering. The line reconnects by itself.";
    case "login_unanswered":
      return "The server took the login but did not answer after it. The line tries again, waiting longer each time.";
    case "connection_lost":
    case "stream_end":
      return "The connection dropped. The line reconnects by itself.";
    case "pair_success_refused":
      return `The link from the phone could not be verified${detail ? ` (${detail})` : ""}. Start the line again and scan a new QR.`;
    case "store_error":
      return `The line's data could not be read${detail ? ` (${detail})` : ""}.`;
    default:
      return `Reason given: ${reason}.`;
  }
}

/** A date and time in the reader's locale, or "—". */
export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString();
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago" (or "—"). */
export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** Whole seconds from now until `iso` (0 once past). */
export function secondsUntil(iso, now = Date.now()) {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 1000));
}

/** `15550001111@s.whatsapp.net` → "+15550001111"; null stays null. */
export function phoneOf(jid) {
  if (!jid) return null;
  const user = String(jid).split("@")[0].split(":")[0];
  return /^\d+$/.test(user) ? `+${user}` : user;
}

/** An 8-character pairing code grouped for reading: "ABCD-EFGH". */
export function groupCode(code) {
  const clean = String(code).replace(/[^0-9A-Za-z]/g, "").toUpperCase();
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}
