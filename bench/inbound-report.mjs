// Writes bench/results/inbound.md from the JSON of bench/Inbound (one or more builds of the service) and
// bench/baileys-inbound.mjs (bench/inbound runs both; LOAD_START, LOAD_END, BEFORE_REF and AFTER_REF come from there).
//   node bench/inbound-report.mjs SERVICES.json BAILEYS.json OUT.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [engine, baileys] = [2, 3].map((i) => JSON.parse(readFileSync(process.argv[i], 'utf8')));
const label = (s) => (s.name === 'before' && process.env.BEFORE_REF ? `service before (${process.env.BEFORE_REF})`
  : s.name === 'after' && process.env.AFTER_REF ? `service after (${process.env.AFTER_REF})` : `service ${s.name}`);
const sides = [...engine.services.map((s) => ({ ...s, title: label(s) })), { ...baileys, title: 'Baileys 7 (messages.upsert)' }];
const held = (s) => Math.max(0, ...s.rates.filter((r) => r.arrived === r.sent && r.p99_ms !== null && r.p99_ms < 50).map((r) => r.rate));
const text = [
  `# Inbound latency — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; `
    + `load average (1, 5, 15 min) ${process.env.LOAD_START ?? '?'} at the start and ${process.env.LOAD_END ?? '?'} at the end (the machine may be shared: read the ratios, not the absolute figures).`,
  `${engine.lines} lines, each with a virtual phone writing to it; the sandbox sends texts from those phones at each rate for ${engine.seconds} s `
    + '(POST /sandbox/load, spread evenly over the lines). A message is timed from the moment the server routed it to the line to the moment its '
    + '`messages.received` webhook reached a receiver on loopback (the service: src/Api as users run it, every hosted service on) or Baileys emitted '
    + 'messages.upsert for it (Baileys 7, one node process holding as many clients). Each side in its own process, one after the other, against one '
    + 'standalone sandbox; CPU = utime + stime from /proc over each rate\'s run, per message that arrived. "sandbox late" is the latest any send '
    + 'started after its due time, and then the latest any message was handed to the line after its due time (routing included; the sandbox shares '
    + 'the machine too, and encrypts every text before the clock starts).',
  '',
  '| | rate (msg/s) | arrived | p50 ms | p99 ms | max ms | CPU ms per message | sandbox late ms (start / routed) | sandbox CPU ms per message |',
  '|---|---|---|---|---|---|---|---|---|',
  ...sides.flatMap((s) => s.rates.map((r) => `| ${s.title} | ${r.rate} | ${r.arrived} of ${r.sent} | ${r.p50_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.cpu_ms_per_message} | ${r.sandbox_latest_start_ms} / ${r.sandbox_latest_routed_ms ?? '–'} | ${r.sandbox_cpu_ms_per_message ?? '–'} |`)),
  '',
  'Highest rate held with every message arriving and p99 under 50 ms: '
    + sides.map((s) => `${s.title} ${held(s) || 'none'}${held(s) ? ' msg/s' : ''}`).join('; ') + `; VmHWM at the end: ${sides.map((s) => `${s.title} ${Math.round(s.hwm_kib / 1024)} MiB`).join(', ')}.`,
  '',
  `Raw: services ${JSON.stringify(engine)}; Baileys ${JSON.stringify(baileys)}.`,
  '',
];
// The notes of earlier runs stay below the new table.
const earlier = existsSync(process.argv[4]) ? readFileSync(process.argv[4], 'utf8').replace(/^# /gm, '## ').trim() : '';
writeFileSync(process.argv[4], text.join('\n') + (earlier ? `\n# Earlier runs\n\n${earlier}\n` : ''));
process.stdout.write(text.join('\n'));
