// Writes bench/results/idle.md from the JSON of bench/Idle (one or more builds of the service) and
// bench/baileys-idle.mjs (bench/idle runs it; LOAD_START, LOAD_END, BEFORE_REF and AFTER_REF come from there).
//   node bench/idle-report.mjs SERVICES.json BAILEYS.json OUT.md
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [engine, baileys] = [2, 3].map((i) => JSON.parse(readFileSync(process.argv[i], 'utf8')));
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const label = (s) => (s.name === 'before' && process.env.BEFORE_REF ? `service before (${process.env.BEFORE_REF})`
  : s.name === 'after' && process.env.AFTER_REF ? `service after (${process.env.AFTER_REF})` : `service ${s.name}`);
const services = engine.services;
const baileysAbove = (baileys.cpu_ms_per_min - baileys.baseline_cpu_ms_per_min) / baileys.clients;
const row = (title, cells, budget = '') => `| ${title} | ${cells.join(' | ')} | ${budget} |`;
const text = [
  `# Idle connected lines, the whole service — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; `
    + `load average (1, 5, 15 min) ${process.env.LOAD_START ?? '?'} at the start and ${process.env.LOAD_END ?? '?'} at the end (the machine is shared).`,
  'Each build of the service (src/Api as users run it, every hosted service on, pointed at a standalone sandbox through `WhatsApp__Url` and '
    + '`WhatsApp__TrustedRootKey`) runs in a process of its own; its lines are created and paired through its REST API and the sandbox\'s '
    + 'control API, each with a webhook (messages, statuses and line status) to a receiver that answers 204. The Baileys 7 clients run in '
    + 'one node process on the same sandbox at the same time. Every process is read from /proc: CPU = utime + stime, memory = VmRSS.',
  'CPU per line: the process over the measured window divided by its lines (its no-line baseline included), and above that baseline. '
    + 'Memory per line: VmRSS growth over the no-line baseline, divided by the lines.',
  '',
  `| | ${services.map(label).join(' | ')} | Baileys 7 | budget |`,
  `|---|${services.map(() => '---').join('|')}|---|---|`,
  row('lines measured', [...services.map((s) => `${s.lines} (${s.connected_at_end} connected at the end)`), `${baileys.clients} (${baileys.open_at_end} open at the end)`]),
  row('CPU per line per minute, whole process', [...services.map((s) => `${round(s.cpu_ms_per_line_per_min)} ms`), `${round(baileys.cpu_ms_per_client_per_min)} ms`], '1 ms'),
  row('CPU per line per minute, above the no-line baseline', [...services.map((s) => `${round(s.cpu_ms_per_line_per_min_above_baseline)} ms`), `${round(baileysAbove)} ms`]),
  row('resident memory per line', [...services.map((s) => `${round(s.rss_kib_per_line, 0)} KiB`), `${round(baileys.rss_kib_per_client, 0)} KiB`], '512 KiB'),
  row('open file descriptors per line (/proc/PID/fd, above the no-line baseline)', [...services.map((s) => (s.fds_per_line === undefined ? '–' : `${round(s.fds_per_line)} (${s.fds} in all)`)), baileys.fds_per_client === undefined ? '–' : `${round(baileys.fds_per_client)}`]),
  row('peak resident memory (VmHWM)', [...services.map((s) => (s.hwm_kib === undefined ? '–' : `${round(s.hwm_kib / 1024, 0)} MiB`)), '–']),
  row('process with no line: CPU per minute, VmRSS', [...services.map((s) => `${round(s.baseline_cpu_ms_per_min, 0)} ms, ${round(s.baseline_rss_kib / 1024, 0)} MiB`), `${round(baileys.baseline_cpu_ms_per_min, 0)} ms, –`]),
  row('CPU per minute of the window, minute by minute', [...services.map((s) => s.cpu_ms_by_minute.map((m) => round(m, 0)).join(', ') + ' ms'), baileys.cpu_ms_by_minute.join(', ') + ' ms']),
  row('time to pair all', [...services.map((s) => `${round(s.pair_seconds, 0)} s`), `${round(baileys.pair_seconds, 0)} s`]),
  ...restoreRows(services),
  '',
  `Measured over ${engine.minutes} min after ${engine.settle_seconds} s of settling; ${engine.webhook_posts} webhook posts reached the receiver in all (pairing's status changes). `
    + `Raw (the restore's second-by-second counts are in the .json beside this file): services ${JSON.stringify(engine, (key, value) => (key === 'connected_by_second' ? undefined : value))}; Baileys ${JSON.stringify(baileys)}.`,
  '',
];
// The restore storm (bench/restore), when the run had one: the service's restart, then the sandbox's.
function restoreRows(list) {
  const storms = list.filter((s) => s.service_restart);
  if (storms.length === 0) return [];
  const cell = (r, f) => (r ? f(r) : '–');
  const phases = storms.flatMap((s) => [['service restarts', s.service_restart], ['sandbox restarts', s.sandbox_restart]]);
  return [
    '',
    '## Restore storm',
    '',
    `| | ${phases.map(([name]) => name).join(' | ')} |`,
    `|---|${phases.map(() => '---').join('|')}|`,
    `| lines connected again | ${phases.map(([, r]) => cell(r, (x) => `${x.connected} of ${x.lines}`)).join(' | ')} |`,
    `| seconds until all connected (from the relaunch) | ${phases.map(([, r]) => cell(r, (x) => `${x.all_connected_seconds ?? 'not all'}`)).join(' | ')} |`,
    `| first line connected after | ${phases.map(([, r]) => cell(r, (x) => `${round(x.first_connected_seconds ?? 0, 1)} s`)).join(' | ')} |`,
    `| logins per second (first to last poll) / most between two status polls (1 s apart, more when the service is slow) | ${phases.map(([, r]) => cell(r, (x) => `${x.logins_per_second ?? '–'} / ${x.peak_logins_in_one_second}`)).join(' | ')} |`,
    `| R18 notices of the sandbox meanwhile | ${phases.map(([, r]) => cell(r, (x) => `${x.r18_notices}`)).join(' | ')} |`,
    `| service CPU until all connected: in all / peak (cores over 1 s) | ${phases.map(([, r]) => cell(r, (x) => `${x.cpu_seconds} s / ${x.peak_cpu_cores}`)).join(' | ')} |`,
    `| service VmRSS at the end / VmHWM of the restarted process | ${phases.map(([, r]) => cell(r, (x) => `${round(x.rss_kib_at_end / 1024, 0)} MiB${x.hwm_kib ? ` / ${round(x.hwm_kib / 1024, 0)} MiB` : ''}`)).join(' | ')} |`,
    `| stop (SIGTERM to exit) / sandbox down | ${phases.map(([, r]) => cell(r, (x) => (x.stop_seconds !== undefined ? `${x.stop_seconds} s stop, ${x.logins_per_second_setting} logins/s set` : `${x.sandbox_down_seconds} s down`))).join(' | ')} |`,
  ];
}

writeFileSync(process.argv[4], text.join('\n'));
process.stdout.write(text.join('\n'));
