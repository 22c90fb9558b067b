// Writes bench/results/idle.md from the JSON of bench/Idle and bench/baileys-idle.mjs (bench/idle runs it).
//   node bench/idle-report.mjs ENGINE.json BAILEYS.json OUT.md
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [engine, baileys] = [2, 3].map((i) => JSON.parse(readFileSync(process.argv[i], 'utf8')));
const net = (total, baseline, count) => Math.round(((total - baseline) / count) * 1000) / 1000;
const text = [
  `# Idle connected lines — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; both sides on the same standalone sandbox (a third process).`,
  'Each side in its own process, measured after its lines settled. CPU per line: the whole process over the window divided by the lines (its no-line baseline included), and above that baseline. Memory per line: growth over the no-line baseline, divided by the lines.',
  '',
  '| | WaEngine | Baileys 7 | budget |',
  '|---|---|---|---|',
  `| lines measured | ${engine.lines} (${engine.connected_at_end} connected at the end, ${engine.reconnects} reconnects) | ${baileys.clients} (${baileys.open_at_end} open at the end) | |`,
  `| keepalive interval | ${engine.keepalive_seconds} s | ${baileys.keepalive_seconds} s | |`,
  `| CPU per line per minute, whole process | ${engine.cpu_ms_per_line_per_min} ms | ${baileys.cpu_ms_per_client_per_min} ms | 1 ms |`,
  `| CPU per line per minute, above the no-line baseline | ${net(engine.cpu_ms_per_min, engine.baseline_cpu_ms_per_min, engine.lines)} ms | ${net(baileys.cpu_ms_per_min, baileys.baseline_cpu_ms_per_min, baileys.clients)} ms | |`,
  `| managed / JS heap per line | ${engine.heap_kib_per_line} KiB | ${baileys.heap_kib_per_client} KiB | 512 KiB |`,
  `| resident memory per line | ${engine.working_set_kib_per_line} KiB | ${baileys.rss_kib_per_client} KiB | |`,
  `| process with no line | ${engine.baseline_cpu_ms_per_min} ms CPU/min | ${baileys.baseline_cpu_ms_per_min} ms CPU/min | |`,
  `| time to pair all | ${engine.pair_seconds} s | ${baileys.pair_seconds} s | |`,
  '',
  `Measured over ${engine.minutes} min each. Raw: engine ${JSON.stringify(engine)}; Baileys ${JSON.stringify(baileys)}.`,
  '',
];
writeFileSync(process.argv[4], text.join('\n'));
process.stdout.write(text.join('\n'));
