// Sends on established sessions with Baileys, the counterpart of bench/Sends: pairs one unmodified Baileys 7 client
// against a standalone sandbox, sends a few texts to a virtual phone (sessions established), then calls sendMessage
// from several concurrent callers for some seconds. Counted: the texts whose server ack (<ack class="message">)
// arrived; this process's CPU time (utime + stime from /proc/self, as bench/Sends reads the service) from the first
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key.
//   node bench/baileys-sends.mjs --sandbox http://127.0.0.1:PORT [--seconds 30] [--callers 32] [--warmup 10] [--clk-tck 100]
// Prints one JSON object on stdout; progress goes to stderr.
import { rmSync } from 'node:fs';
import { benchArgs, pairBaileys, procSample, sandboxCaller } from './baileys-bench.mjs';

const args = benchArgs('usage: baileys-sends.mjs --sandbox URL [--seconds S] [--callers N]');
const seconds = Number(args.seconds ?? 30);
const callers = Number(args.callers ?? 32);
const warmupSeconds = Number(args.warmup ?? 10);
const clockTicks = Number(args['clk-tck'] ?? 100);
const log = (text) => process.stderr.write(`baileys-sends: ${text}\n`);
const call = sandboxCaller(args.sandbox);
const proc = () => procSample(clockTicks);

const phone = '15556990001';
const peer = '15557990001';
await call('/sandbox/accounts', { phone: peer });
const { sock, folder } = await pairBaileys(call, phone, 'baileys-sends-');

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
