// Writes bench/results/first.md from the JSON of bench/First (one or more builds of the service) and
// bench/baileys-first.mjs (bench/first runs both; LOAD_START, LOAD_END, BEFORE_REF and AFTER_REF come from there).
//   node bench/first-report.mjs SERVICES.json BAILEYS.json OUT.md
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [engine, baileys] = [2, 3].map((i) => JSON.parse(readFileSync(process.argv[i], 'utf8')));
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const label = (s) => (s.name === 'before' && process.env.BEFORE_REF ? `service before (${process.env.BEFORE_REF})`
  : s.name === 'after' && process.env.AFTER_REF ? `service after (${process.env.AFTER_REF})` : `service ${s.name}`);
const sides = [...engine.services.map((s) => ({ ...s, title: label(s) })), { ...baileys, title: 'Baileys 7 sendMessage' }];
const iq = (s, kind) => s.iqs?.[kind] ?? 0;
const text = [
  `# First messages to new peers — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; `
    + `load average (1, 5, 15 min) ${process.env.LOAD_START ?? '?'} at the start and ${process.env.LOAD_END ?? '?'} at the end (the machine may be shared: read the ratios, not the absolute figures).`,
  `One line sends one text to each of ${engine.peers} virtual phones it never wrote to (device list, prekey bundle and X3DH for each) from `
    + `${engine.callers} concurrent callers, after 10 warm-up texts to another phone. The service (src/Api as users run it, every hosted service on, `
    + 'the line without a webhook) is called through POST /api/messages/send; Baileys 7 through sendMessage. A text counts once its virtual phone has '
    + 'received and decrypted it. Each side in its own process, one after the other, against one standalone sandbox; CPU = utime + stime from /proc '
    + 'and memory (VmRSS, VmHWM) from /proc, from the first send to the last arrival. usync and key fetch: the iqs the side sent meanwhile, as the sandbox counted them. '
    + 'Arrivals are read with one query for all awaited texts every 20 ms (POST /sandbox/arrivals); sandbox CPU: the third process over the same span (its server role and the virtual phones\' decryption).',
  '',
  '| | texts arrived | seconds | per second | ratio to Baileys per second | CPU seconds | per CPU-second | ratio to Baileys per CPU-second | usync iqs | key fetch iqs | VmHWM | sandbox CPU seconds |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...sides.map((s) => `| ${s.title} | ${s.arrived} of ${s.accepted} | ${round(s.seconds, 2)} | ${round(s.per_second)} | ${round(s.per_second / baileys.per_second, 2)} | ${round(s.cpu_seconds, 2)} | ${round(s.per_cpu_second)} | ${round(s.per_cpu_second / baileys.per_cpu_second, 2)} | ${iq(s, 'usync/get/usync')} | ${iq(s, 'encrypt/get/key')} | ${round(s.hwm_kib / 1024)} MiB | ${s.sandbox_cpu_seconds === undefined ? '—' : round(s.sandbox_cpu_seconds, 2)} |`),
  '',
  `Raw: services ${JSON.stringify(engine)}; Baileys ${JSON.stringify(baileys)}.`,
  '',
];
writeFileSync(process.argv[4], text.join('\n'));
process.stdout.write(text.join('\n'));
