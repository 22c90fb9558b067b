// Writes bench/results/sends.md from the JSON of bench/Sends (one or more builds of the service) and
// bench/baileys-sends.mjs (bench/sends runs both; LOAD_START, LOAD_END, BEFORE_REF and AFTER_REF come from there).
//   node bench/sends-report.mjs SERVICES.json BAILEYS.json OUT.md
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

// Each file's result is its last line that is a JSON object: libsignal (under Baileys) logs to stdout too.
const lastJson = (text) => JSON.parse(text.split('\n').filter((line) => line.startsWith('{')).at(-1));
const [engine, baileys] = [2, 3].map((i) => lastJson(readFileSync(process.argv[i], 'utf8')));
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const label = (s) => (s.name === 'before' && process.env.BEFORE_REF ? `service before (${process.env.BEFORE_REF})`
  : s.name === 'after' && process.env.AFTER_REF ? `service after (${process.env.AFTER_REF})` : `service ${s.name}`);
const sides = [...engine.services.map((s) => ({ ...s, title: label(s) })), { ...baileys, title: 'Baileys 7 sendMessage' }];
const text = [
  `# Sends on established sessions — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; `
    + `load average (1, 5, 15 min) ${process.env.LOAD_START ?? '?'} at the start and ${process.env.LOAD_END ?? '?'} at the end (the machine may be shared: read the ratios, not the absolute figures).`,
  `One line sends 1:1 texts to one virtual phone of a standalone sandbox for ${engine.seconds} s from ${engine.callers} concurrent callers, after 50 warm-up texts and a warm-up under load (the same callers at full speed for BENCH_WARMUP seconds, default 10, on both sides) `
    + '(sessions established). The service (src/Api as users run it, every hosted service on, the line without a webhook) is called through '
    + 'POST /api/messages/send; Baileys 7 through sendMessage. A text counts once the virtual phone has received and decrypted it (the sandbox '
    + 'acks each as it routes it). Each side in its own process, one after the other; CPU = utime + stime from /proc, from the first send to the '
    + 'last text\'s arrival.',
  '',
  '| | texts arrived | seconds | per second | CPU seconds | per CPU-second | ratio to Baileys per CPU-second |',
  '|---|---|---|---|---|---|---|',
  ...sides.map((s) => `| ${s.title} | ${s.acked} of ${s.accepted} | ${round(s.seconds)} | ${round(s.per_second)} | ${round(s.cpu_seconds, 2)} | ${round(s.per_cpu_second)} | ${round(s.per_cpu_second / baileys.per_cpu_second, 2)} |`),
  '',
  `Raw: services ${JSON.stringify(engine)}; Baileys ${JSON.stringify(baileys)}.`,
  '',
];
writeFileSync(process.argv[4], text.join('\n'));
process.stdout.write(text.join('\n'));
