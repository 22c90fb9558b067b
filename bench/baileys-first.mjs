// First messages with Baileys, the counterpart of bench/First: pairs one unmodified Baileys 7 client against a
// standalone sandbox, warms it up with a few texts to one virtual phone (JIT, the session with its own phone), then
// calls sendMessage once for each of PEERS virtual phones it never wrote to (device lists, prekey bundles, X3DH each)
// from CALLERS concurrent callers. Counted as bench/First counts the service: the texts the virtual phones received
// and decrypted (the sandbox's control API); this process's CPU time (utime + stime from /proc/self) and memory
// (VmRSS, VmHWM) from the first send to the last arrival; the iqs the client sent meanwhile, by kind.
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
//   node bench/baileys-first.mjs --sandbox http://127.0.0.1:PORT [--peers 200] [--callers 32] [--clk-tck 100]
// Prints one JSON object on stdout; progress goes to stderr.
import { readFileSync, rmSync } from 'node:fs';
import { benchArgs, pairBaileys, procSample, sandboxCaller } from './baileys-bench.mjs';

// libsignal (under Baileys) prints session changes with console.log/info: they go to stderr, stdout is the JSON alone.
for (const level of ['log', 'info', 'debug']) console[level] = console.error;

const args = benchArgs('usage: baileys-first.mjs --sandbox URL [--peers N] [--callers N]');
const peersWanted = Number(args.peers ?? 200);
const callers = Number(args.callers ?? 32);
const clockTicks = Number(args['clk-tck'] ?? 100);
const log = (text) => process.stderr.write(`baileys-first: ${text}\n`);
const call = sandboxCaller(args.sandbox);
const proc = () => procSample(clockTicks);
// The sandbox's CPU time (the third process: its server role and the virtual phones' decryption), when its pid is given.
const sandboxPid = args['sandbox-pid'];
const sandboxCpuMs = () => {
  if (!sandboxPid) return 0;
  const stat = readFileSync(`/proc/${sandboxPid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
};

async function pool(items, width, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]);
  }));
}

const phone = '155580990001';
const warmPhone = '155581990001';
await call('/sandbox/accounts', { phone: warmPhone });
const { sock, folder } = await pairBaileys(call, phone, 'baileys-first-');

const send = async (to, text) => (await sock.sendMessage(`${to}@s.whatsapp.net`, { text })).key.id;

log('warming up (JIT, the session with its own phone): 10 texts to one phone');
const warm = [];
for (let i = 0; i < 10; i++) warm.push(await send(warmPhone, `warm-up ${i}`));
for (const until = Date.now() + 120_000; Date.now() < until;) {
  const received = new Set((await call(`/sandbox/accounts/${warmPhone}/messages`)).map((m) => m.msg_id));
  if (warm.every((id) => received.has(id))) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const warmFirsts = Number(args['warm-firsts'] ?? 0);
if (warmFirsts > 0) {
  // As bench/First: first texts to other new phones, not measured, so the first-message path is compiled (V8's JIT) before.
  const warmPeers = Array.from({ length: warmFirsts }, (_, i) => `1555799${String(i).padStart(5, '0')}`);
  log(`warming up the first-message path: one first text to each of ${warmPeers.length} other new phones`);
  await pool(warmPeers, 8, (peer) => call('/sandbox/accounts', { phone: peer }));
  const warmSent = new Map();
  await pool(warmPeers, callers, async (peer) => warmSent.set(peer, await send(peer, `warm-up first words to ${peer}`)));
  for (const until = Date.now() + 300_000; warmSent.size > 0 && Date.now() < until;) {
    const { arrived } = await call('/sandbox/arrivals', { messages: [...warmSent.entries()].map(([peer, id]) => ({ phone: peer, msg_id: id })) });
    const landed = new Set(arrived);
    for (const [peer, id] of warmSent) if (landed.has(id)) warmSent.delete(peer);
    if (warmSent.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const peers = Array.from({ length: peersWanted }, (_, i) => `1555999${String(i).padStart(5, '0')}`);
log(`creating ${peers.length} virtual phones`);
await pool(peers, 8, (peer) => call('/sandbox/accounts', { phone: peer }));

const iqsBefore = await call(`/sandbox/accounts/${phone}/iqs`);
log(`one first text to each of ${peers.length} phones from ${callers} callers`);
const sent = new Map();
const start = proc();
const sandboxStart = sandboxCpuMs();
const started = Date.now();
await pool(peers, callers, async (peer) => sent.set(peer, await send(peer, `first words to ${peer}: the quick brown fox jumps over the lazy dog`)));
const accepted = (Date.now() - started) / 1000;
// One query for every text still awaited, every 20 ms (as bench/First): the sandbox is not loaded by a request per phone.
const waiting = new Map(sent);
for (const until = Date.now() + 300_000; waiting.size > 0 && Date.now() < until;) {
  const { arrived } = await call('/sandbox/arrivals', { messages: [...waiting.entries()].map(([peer, id]) => ({ phone: peer, msg_id: id })) });
  const landed = new Set(arrived);
  for (const [peer, id] of waiting) if (landed.has(id)) waiting.delete(peer);
  if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
const elapsed = (Date.now() - started) / 1000;
const end = proc();
const sandboxCpu = (sandboxCpuMs() - sandboxStart) / 1000;
const iqsAfter = await call(`/sandbox/accounts/${phone}/iqs`);
const iqs = Object.fromEntries(Object.entries(iqsAfter).map(([kind, n]) => [kind, n - (iqsBefore[kind] ?? 0)]).filter(([, n]) => n > 0));
const arrived = sent.size - waiting.size;
const cpu = (end.cpuMs - start.cpuMs) / 1000;
const round = (value) => Math.round(value * 1000) / 1000;
log(`${sent.size} sent in ${accepted.toFixed(2)} s, ${arrived} arrived after ${elapsed.toFixed(2)} s; ${cpu.toFixed(2)} CPU s; iqs ${JSON.stringify(iqs)}`);
process.stdout.write(JSON.stringify({
  name: 'baileys', accepted: sent.size, accept_seconds: round(accepted), arrived, seconds: round(elapsed), cpu_seconds: round(cpu),
  per_second: round(arrived / elapsed), per_cpu_second: round(arrived / cpu), rss_kib: end.rssKiB, hwm_kib: end.hwmKiB, iqs,
  sandbox_cpu_seconds: round(sandboxCpu),
}) + '\n');
sock.end(undefined);
rmSync(folder, { recursive: true, force: true });
process.exit(0);
