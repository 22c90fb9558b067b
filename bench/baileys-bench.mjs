// What the single-client Baileys bench scripts (baileys-sends.mjs, baileys-first.mjs) share: their arguments, the
// sandbox's control API, this process's CPU time and memory from /proc/self, and one unmodified Baileys 7 client paired
// by QR with a virtual phone. The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importInterop } from './interop-modules.mjs';

/** `--name value` pairs from the command line; throws `usage` when `--sandbox` is missing. */
export function benchArgs(usage) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
  if (!args.sandbox) throw new Error(usage);
  return args;
}

/** A caller of the sandbox's control API: GET without a body, POST with one; 409 (already there) is not an error. */
export function sandboxCaller(address) {
  const sandbox = address.replace(/\/$/, '');
  return async function call(path, body) {
    const response = await fetch(sandbox + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok && response.status !== 409) throw new Error(`${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
}

/** This process's CPU time (utime + stime) in ms and its VmRSS / VmHWM in KiB, read as the C# drivers read the service. */
export function procSample(clockTicks) {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
  const status = readFileSync('/proc/self/status', 'utf8');
  return { cpuMs, rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]), hwmKiB: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) };
}

/**
 * Loads Baileys, trusts the sandbox's root key, creates the virtual phone `phone` and pairs a fresh Baileys client with
 * it (the phone scans the QR; the restart after pairing is followed). Resolves with the open socket and its auth folder.
 */
export async function pairBaileys(call, phone, folderPrefix) {
  const B = await importInterop('baileys');
  const { default: pino } = await importInterop('pino');
  const logger = pino({ level: 'silent' });
  const info = await call('/sandbox/info');
  B.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(info.root_public_key, 'base64');
  const folder = mkdtempSync(join(tmpdir(), folderPrefix));
  await call('/sandbox/accounts', { phone });
  const { state, saveCreds } = await B.useMultiFileAuthState(folder);
  const sock = await new Promise((resolve, reject) => {
    const open = () => {
      const s = B.makeWASocket({
        auth: { creds: state.creds, keys: B.makeCacheableSignalKeyStore(state.keys, logger) },
        logger,
        waWebSocketUrl: info.ws_url,
        browser: B.Browsers.macOS('Chrome'),
        markOnlineOnConnect: false,
        syncFullHistory: false,
        shouldSyncHistoryMessage: () => false,
      });
      s.ev.on('creds.update', saveCreds);
      s.ev.on('connection.update', (update) => {
        if (update.qr) call(`/sandbox/accounts/${phone}/scan`, { qr: update.qr }).catch(reject);
        if (update.connection === 'open') resolve(s);
        if (update.connection === 'close') {
          const code = update.lastDisconnect?.error?.output?.statusCode;
          if (code === B.DisconnectReason.restartRequired) open();
          else reject(new Error(`closed with ${code}`));
        }
      });
    };
    open();
  });
  return { sock, folder };
}
