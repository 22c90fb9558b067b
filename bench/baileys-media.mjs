// Memory cost of sending one large document with Baileys, the counterpart of bench/media's service rows: pairs one
// unmodified Baileys 7 client against a standalone sandbox, sends a small document first (warm-up: media_conn, the
// session with the phone, V8's JIT), then resets this process's peak resident memory (/proc/self/clear_refs 5) and
// sends the big one, either
//   --mode url     { document: { url } }: Baileys streams the file from the loopback file server, or
//   --mode base64  the way a caller holding base64 (a JSON body) has to: the text read whole, Buffer.from(…, 'base64'),
//                  then { document: buffer }.
// Growth = VmHWM after sendMessage resolved − VmRSS before the send (and before the base64 text was read).
// The only runtime change to Baileys: WA_CERT_DETAILS.PUBLIC_KEY is the sandbox's root key; the media host's CA comes
// from NODE_EXTRA_CA_CERTS (bench/media sets it).
//   node bench/baileys-media.mjs --sandbox URL --mode url|base64 --url URL_OF_BIG --small URL_OF_SMALL --b64 FILE --to PHONE
// Prints one JSON object on stdout; progress goes to stderr.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { benchArgs, pairBaileys, procSample, sandboxCaller } from './baileys-bench.mjs';

const args = benchArgs('usage: baileys-media.mjs --sandbox URL --mode url|base64 --url URL --small URL --b64 FILE --to PHONE');
const mode = args.mode;
if (mode !== 'url' && mode !== 'base64') throw new Error(`--mode must be url or base64, not ${mode}`);
const log = (text) => process.stderr.write(`baileys-media (${mode}): ${text}\n`);
const call = sandboxCaller(args.sandbox);
const clockTicks = Number(args['clk-tck'] ?? 100);

const phone = mode === 'url' ? '15556980001' : '15556980002';
await call('/sandbox/accounts', { phone: args.to });
const { sock, folder } = await pairBaileys(call, phone, 'baileys-media-');
const to = `${args.to}@s.whatsapp.net`;

log('warm-up: a small document by url');
await sock.sendMessage(to, { document: { url: args.small }, mimetype: 'application/pdf', fileName: 'small.pdf' });
await new Promise((resolve) => setTimeout(resolve, 3000));
globalThis.gc?.();

const before = procSample(clockTicks);
writeFileSync('/proc/self/clear_refs', '5');
const began = Date.now();
let sent;
if (mode === 'url') {
  sent = await sock.sendMessage(to, { document: { url: args.url }, mimetype: 'application/pdf', fileName: 'big.pdf' });
} else {
  const text = readFileSync(args.b64, 'utf8');
  const buffer = Buffer.from(text, 'base64');
  sent = await sock.sendMessage(to, { document: buffer, mimetype: 'application/pdf', fileName: 'big.pdf' });
}
const seconds = (Date.now() - began) / 1000;
const after = procSample(clockTicks);

// The document counts only if the phone received it.
let arrived = false;
for (let i = 0; i < 300 && !arrived; i++) {
  const inbox = await call(`/sandbox/accounts/${args.to}/messages`);
  arrived = inbox.some((m) => m.msg_id === sent.key.id);
  if (!arrived) await new Promise((resolve) => setTimeout(resolve, 200));
}

process.stdout.write(JSON.stringify({
  mode,
  rss_before_kib: before.rssKiB,
  hwm_kib: after.hwmKiB,
  growth_kib: after.hwmKiB - before.rssKiB,
  seconds,
  cpu_seconds: Math.round(after.cpuMs - before.cpuMs) / 1000,
  arrived,
}) + '\n');
sock.end(undefined);
rmSync(folder, { recursive: true, force: true });
process.exit(0);
