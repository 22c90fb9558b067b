// Idle cost of connected Baileys clients, the counterpart of bench/Idle: pairs N unmodified Baileys 7 clients in this
// one node process against a standalone sandbox, lets them settle, then measures this process's CPU time and memory
// over some minutes of staying connected (utime + stime and VmRSS from /proc/self, as bench/Idle reads the service).
// A baseline of the process with Baileys loaded and no client comes first.
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
//   node bench/baileys-idle.mjs --sandbox http://127.0.0.1:PORT [--clients 20] [--minutes 3] [--settle 90] [--clk-tck 100]
// Prints one JSON object on stdout; progress goes to stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importInterop } from './interop-modules.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
if (!args.sandbox) throw new Error('usage: baileys-idle.mjs --sandbox URL [--clients N] [--minutes M] [--settle SECONDS]');
const clients = Number(args.clients ?? 20);
const minutes = Number(args.minutes ?? 3);
const settleMs = Number(args.settle ?? 90) * 1000;
const sandbox = args.sandbox.replace(/\/$/, '');
const clockTicks = Number(args['clk-tck'] ?? 100);
const log = (text) => process.stderr.write(`baileys-idle: ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const B = await importInterop('baileys');
const { default: pino } = await importInterop('pino');
const logger = pino({ level: 'silent' });

async function call(path, body) {
  const response = await fetch(sandbox + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok && response.status !== 409) throw new Error(`${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** CPU time (utime + stime) and VmRSS of this process as /proc reports them, the source bench/Idle reads for the service. */
function proc() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  return { cpuMs, rss: rssKiB * 1024 };
}

function sample() {
  global.gc?.();
  const memory = process.memoryUsage();
  return { ...proc(), heap: memory.heapUsed + memory.external + memory.arrayBuffers, fds: readdirSync('/proc/self/fd').length };
}

const info = await call('/sandbox/info');
B.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(info.root_public_key, 'base64');
const folder = mkdtempSync(join(tmpdir(), 'baileys-idle-'));

const baselineMs = 30_000;
log(`baseline without clients for ${2 * baselineMs / 1000} s`);
await sleep(baselineMs);
const baseline = sample();
await sleep(baselineMs);
const baselineEnd = sample();

/** Pairs one client by QR (the sandbox's virtual phone scans it) and resolves when it is open. */
async function pair(phone, index) {
  await call('/sandbox/accounts', { phone });
  const { state, saveCreds } = await B.useMultiFileAuthState(join(folder, String(index)));
  const holder = { sock: null, open: false };
  await new Promise((resolve, reject) => {
    const open = () => {
      const sock = B.makeWASocket({
        auth: { creds: state.creds, keys: B.makeCacheableSignalKeyStore(state.keys, logger) },
        logger,
        waWebSocketUrl: info.ws_url,
        browser: B.Browsers.macOS('Chrome'),
        markOnlineOnConnect: false,
        syncFullHistory: false,
        shouldSyncHistoryMessage: () => false,
      });
      holder.sock = sock;
      sock.ev.on('creds.update', saveCreds);
      sock.ev.on('connection.update', (update) => {
        if (update.qr) call(`/sandbox/accounts/${phone}/scan`, { qr: update.qr }).catch(reject);
        if (update.connection === 'open') {
          holder.open = true;
          resolve();
        }
        if (update.connection === 'close') {
          holder.open = false;
          const code = update.lastDisconnect?.error?.output?.statusCode;
          if (code === B.DisconnectReason.restartRequired && holder.sock === sock) open();
          else if (!holder.done) reject(new Error(`client ${phone} closed with ${code}`));
        }
      });
    };
    open();
  });
  return holder;
}

log(`pairing ${clients} clients`);
const started = Date.now();
const holders = [];
for (let i = 0; i < clients; i += 4) {
  holders.push(...await Promise.all(Array.from({ length: Math.min(4, clients - i) }, (_, k) => pair(`1555400${String(i + k).padStart(4, '0')}`, i + k))));
}
const pairSeconds = (Date.now() - started) / 1000;
log(`${clients} clients open in ${pairSeconds.toFixed(1)} s; settling ${settleMs / 1000} s`);

await sleep(settleMs);
const start = sample();
log(`measuring ${minutes} min`);
const byMinute = [];
let minuteStart = start.cpuMs;
for (let elapsed = 0; elapsed < minutes; elapsed += 1) {
  const step = Math.min(1, minutes - elapsed);
  await sleep(step * 60_000);
  const now = proc().cpuMs;
  byMinute.push(Math.round((now - minuteStart) / step));
  minuteStart = now;
}
const end = sample();

const baselinePerMinute = (baselineEnd.cpuMs - baseline.cpuMs) / (baselineMs / 60_000);
const perMinute = (end.cpuMs - start.cpuMs) / minutes;
const round = (value) => Math.round(value * 1000) / 1000;
process.stdout.write(JSON.stringify({
  clients,
  open_at_end: holders.filter((h) => h.open).length,
  minutes,
  keepalive_seconds: 30,
  baseline_cpu_ms_per_min: round(baselinePerMinute),
  cpu_ms_per_min: round(perMinute),
  cpu_ms_by_minute: byMinute,
  cpu_ms_per_client_per_min: round(perMinute / clients),
  heap_kib_per_client: round((end.heap - baselineEnd.heap) / 1024 / clients),
  rss_kib_per_client: round((end.rss - baselineEnd.rss) / 1024 / clients),
  pair_seconds: round(pairSeconds),
  fds_per_client: round((end.fds - baselineEnd.fds) / clients),
}) + '\n');
for (const h of holders) {
  h.done = true;
  h.sock.end(undefined);
}
rmSync(folder, { recursive: true, force: true });
process.exit(0);
