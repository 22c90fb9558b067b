// Inbound latency with Baileys, the counterpart of bench/Inbound: pairs LINES unmodified Baileys 7 clients in this node
// process against a standalone sandbox, gives each a virtual phone that writes to it, warms up, then for each rate has
// the sandbox send texts from those phones at that rate for SECONDS (POST /sandbox/load). Each message is timed from the
// moment the server routed it (the sandbox notes it) to Baileys' messages.upsert event for it; both clocks are this
// machine's. This process's CPU time (utime + stime from /proc/self) over each run and VmRSS / VmHWM.
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
//   node bench/baileys-inbound.mjs --sandbox http://127.0.0.1:PORT [--lines 10] [--rates 100,500,1000] [--seconds 60] [--clk-tck 100]
// Prints one JSON object on stdout; progress goes to stderr.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importInterop } from './interop-modules.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
if (!args.sandbox) throw new Error('usage: baileys-inbound.mjs --sandbox URL [--lines N] [--rates R,R] [--seconds S]');
const lines = Number(args.lines ?? 10);
const rates = String(args.rates ?? '100,500,1000').split(',').map(Number);
const seconds = Number(args.seconds ?? 60);
const sandbox = args.sandbox.replace(/\/$/, '');
const clockTicks = Number(args['clk-tck'] ?? 100);
const log = (text) => process.stderr.write(`baileys-inbound: ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

const B = await importInterop('baileys');
const { default: pino } = await importInterop('pino');
const logger = pino({ level: 'silent' });

/** POST without a timeout: a load call answers only when its last message was sent, which may be minutes. */
function postLong(path, body) {
  return new Promise((resolve, reject) => {
    const req = request(sandbox + path, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 300) reject(new Error(`${path}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function call(path, body) {
  const response = await fetch(sandbox + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok && response.status !== 409) throw new Error(`${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

function proc() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
  const status = readFileSync('/proc/self/status', 'utf8');
  return { cpuMs, rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]), hwmKiB: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) };
}

const info = await call('/sandbox/info');
B.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(info.root_public_key, 'base64');
const folder = mkdtempSync(join(tmpdir(), 'baileys-inbound-'));
const arrivals = new Map();

async function pair(phone, index) {
  await call('/sandbox/accounts', { phone });
  const { state, saveCreds } = await B.useMultiFileAuthState(join(folder, String(index)));
  return new Promise((resolve, reject) => {
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
      sock.ev.on('creds.update', saveCreds);
      sock.ev.on('messages.upsert', ({ messages }) => {
        const at = nowMicros();
        for (const m of messages) if (m.key?.id && !arrivals.has(m.key.id)) arrivals.set(m.key.id, at);
      });
      sock.ev.on('connection.update', (update) => {
        if (update.qr) call(`/sandbox/accounts/${phone}/scan`, { qr: update.qr }).catch(reject);
        if (update.connection === 'open') resolve(sock);
        if (update.connection === 'close') {
          const code = update.lastDisconnect?.error?.output?.statusCode;
          if (code === B.DisconnectReason.restartRequired) open();
          else reject(new Error(`client ${phone} closed with ${code}`));
        }
      });
    };
    open();
  });
}

const pairs = [];
const socks = [];
for (let i = 0; i < lines; i++) {
  const linePhone = `155582${99}${String(i).padStart(4, '0')}`;
  const phone = `155583${99}${String(i).padStart(4, '0')}`;
  await call('/sandbox/accounts', { phone });
  socks.push(await pair(linePhone, i));
  pairs.push({ from: phone, to: linePhone });
}

async function run(rate, runSeconds) {
  const start = proc();
  const result = await postLong('/sandbox/load', { pairs, rate, seconds: runSeconds });
  const messages = result.messages;
  for (const until = Date.now() + 30_000; messages.some((m) => !arrivals.has(m.msg_id)) && Date.now() < until;) await sleep(50);
  const end = proc();
  const latencies = messages.filter((m) => arrivals.has(m.msg_id)).map((m) => (arrivals.get(m.msg_id) - m.routed_at_us) / 1000).sort((a, b) => a - b);
  const percentile = (p) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]);
  const round = (value, digits = 2) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);
  const cpu = (end.cpuMs - start.cpuMs) / 1000;
  return {
    rate, seconds: runSeconds, sent: messages.length, arrived: latencies.length, sandbox_latest_start_ms: result.latest_start_ms,
    sandbox_latest_routed_ms: result.latest_routed_ms ?? null, sandbox_prepare_ms: result.prepare_ms ?? null,
    sandbox_cpu_ms_per_message: result.cpu_ms === undefined ? null : round(result.cpu_ms / Math.max(1, messages.length), 3),
    p50_ms: round(percentile(0.5)), p99_ms: round(percentile(0.99)), max_ms: round(latencies.at(-1) ?? null),
    cpu_seconds: round(cpu), cpu_ms_per_message: round((cpu * 1000) / Math.max(1, latencies.length), 3), rss_kib: end.rssKiB,
  };
}

log(`${lines} clients paired; warming up at 50 messages per second for 4 s`);
await run(50, 4);
const results = [];
for (const rate of rates) {
  const result = await run(rate, seconds);
  log(JSON.stringify(result));
  results.push(result);
}
const end = proc();
process.stdout.write(JSON.stringify({ name: 'baileys', rates: results, rss_kib: end.rssKiB, hwm_kib: end.hwmKiB }) + '\n');
for (const sock of socks) sock.end(undefined);
rmSync(folder, { recursive: true, force: true });
process.exit(0);
