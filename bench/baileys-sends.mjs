// Sends on established sessions with Baileys, the counterpart of bench/Sends: pairs one unmodified Baileys 7 client
// against a standalone sandbox, sends a few texts to a virtual phone (sessions established), then calls sendMessage
// from several concurrent callers for some seconds. Counted: the texts whose server ack (<ack class="message">)
// arrived; this process's CPU time (utime + stime from /proc/self, as bench/Sends reads the service) from the first
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
//   node bench/baileys-sends.mjs --sandbox http://127.0.0.1:PORT [--seconds 30] [--callers 32] [--warmup 10] [--clk-tck 100]
// Prints one JSON object on stdout; progress goes to stderr.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importInterop } from './interop-modules.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
if (!args.sandbox) throw new Error('usage: baileys-sends.mjs --sandbox URL [--seconds S] [--callers N]');
const seconds = Number(args.seconds ?? 30);
const callers = Number(args.callers ?? 32);
const warmupSeconds = Number(args.warmup ?? 10);
const sandbox = args.sandbox.replace(/\/$/, '');
const clockTicks = Number(args['clk-tck'] ?? 100);
const log = (text) => process.stderr.write(`baileys-sends: ${text}\n`);

const B = await importInterop('baileys');
const { default: pino } = await importInterop('pino');
const logger = pino({ level: 'silent' });

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
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  return { cpuMs, rssKiB };
}

const info = await call('/sandbox/info');
B.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(info.root_public_key, 'base64');
const folder = mkdtempSync(join(tmpdir(), 'baileys-sends-'));
const phone = '15556990001';
const peer = '15557990001';
await call('/sandbox/accounts', { phone });
await call('/sandbox/accounts', { phone: peer });
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

const to = `${peer}@s.whatsapp.net`;
let counter = 0;
const send = async () => (await sock.sendMessage(to, { text: `bench text ${++counter}: the quick brown fox jumps over the lazy dog` })).key.id;
async function waitFor(ids, limitMs) {
  const until = Date.now() + limitMs;
  for (;;) {
    const received = new Set((await call(`/sandbox/accounts/${peer}/messages`)).map((m) => m.msg_id));
    const arrived = ids.filter((id) => received.has(id)).length;
    if (arrived === ids.length || Date.now() > until) return arrived;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

log('warming up (sessions, JIT): 50 texts');
const warm = [];
for (let i = 0; i < 50; i++) warm.push(await send());
await waitFor(warm, 120_000);

// The same warm-up as bench/Sends: the callers send at full speed for a while first, so both sides are measured
// steady (the service's JIT tiers up under load; V8's does too), not in their first seconds.
async function burst(limitSeconds) {
  const ids = [];
  const began = Date.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (Date.now() - began < limitSeconds * 1000) ids.push(await send());
  }));
  return ids;
}

if (warmupSeconds > 0) {
  log(`warming up under load: ${warmupSeconds} s from ${callers} callers`);
  await waitFor(await burst(warmupSeconds), 300_000);
}

log(`sending for ${seconds} s from ${callers} callers`);
const sent = [];
const start = proc();
const started = Date.now();
await Promise.all(Array.from({ length: callers }, async () => {
  while (Date.now() - started < seconds * 1000) sent.push(await send());
}));
const accepted = (Date.now() - started) / 1000;
const count = await waitFor(sent, 300_000);
const elapsed = (Date.now() - started) / 1000;
const end = proc();
const cpu = (end.cpuMs - start.cpuMs) / 1000;
const round = (value) => Math.round(value * 1000) / 1000;
log(`${sent.length} sent in ${accepted.toFixed(1)} s, ${count} acked after ${elapsed.toFixed(1)} s; ${cpu.toFixed(2)} CPU s: ${(count / cpu).toFixed(1)} per CPU-second`);
process.stdout.write(JSON.stringify({
  name: 'baileys', accepted: sent.length, accept_seconds: round(accepted), acked: count, seconds: round(elapsed),
  cpu_seconds: round(cpu), per_second: round(count / elapsed), per_cpu_second: round(count / cpu), rss_kib: end.rssKiB,
}) + '\n');
sock.end(undefined);
rmSync(folder, { recursive: true, force: true });
process.exit(0);
