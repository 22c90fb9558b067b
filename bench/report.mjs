// Joins one bench/run: BenchmarkDotNet's JSON reports (C#) and the JSON of the node scripts (Baileys, libsignal)
// into one markdown table with the machine it ran on. Writes the table to stdout and to --out.
// Usage: node bench/report.mjs --bdn <artifacts dir> --bdn-log <log file> --out <file.md> <node result.json>...
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: options, positionals: nodeFiles } = parseArgs({
  options: { bdn: { type: 'string' }, 'bdn-log': { type: 'string' }, out: { type: 'string' } },
  allowPositionals: true,
});

// What each row measures, by the C# benchmark's id; a benchmark missing here still gets a row under its id.
const labels = new Map([
  ['BinaryCodecBenchmarks.EncodeMessage', 'encode message stanza (2 × enc + device-identity) to a new buffer'],
  ['BinaryCodecBenchmarks.EncodeMessageIntoBuffer', 'encode message stanza into a reused buffer (engine send path)'],
  ['BinaryCodecBenchmarks.DecodeMessage', 'decode message stanza'],
  ['BinaryCodecBenchmarks.EncodeIq50', 'encode usync iq with 50 children to a new buffer'],
  ['BinaryCodecBenchmarks.EncodeIq50IntoBuffer', 'encode usync iq with 50 children into a reused buffer'],
  ['BinaryCodecBenchmarks.DecodeIq50', 'decode usync iq with 50 children'],
  ['NoiseTransportBenchmarks.EncryptDecrypt(Size=1024)', 'Noise transport: encrypt + decrypt one 1 KiB frame'],
  ['NoiseTransportBenchmarks.EncryptDecrypt(Size=65536)', 'Noise transport: encrypt + decrypt one 64 KiB frame'],
  ['NoiseHandshakeBenchmarks.FullHandshake', 'Noise XX handshake, both roles, certificate chain checked'],
  ['SignalBenchmarks.EncryptDecryptAsync', 'Signal: encrypt + decrypt 128 B on an established session'],
  ['SignalBenchmarks.SessionSetupAsync', 'Signal: session setup (bundle → pkmsg → decrypt), X3DH both sides'],
]);

const variantLabels = new Map([['sync core', "against Baileys' synchronous decode core (no flag byte, no promise)"]]);

function readCSharp(directory) {
  const results = new Map();
  let host;
  const resultsDirectory = path.join(directory, 'results');
  for (const file of readdirSync(resultsDirectory).filter((name) => name.endsWith('.json'))) {
    const document = JSON.parse(readFileSync(path.join(resultsDirectory, file), 'utf8'));
    host ??= document.HostEnvironmentInfo;
    for (const benchmark of document.Benchmarks) {
      const id = `${benchmark.Type}.${benchmark.Method}${benchmark.Parameters ? `(${benchmark.Parameters})` : ''}`;
      if (!benchmark.Statistics) {
        results.set(id, { failed: true });
        continue;
      }
      results.set(id, {
        meanNs: benchmark.Statistics.Mean,
        stdDevNs: benchmark.Statistics.StandardDeviation,
        allocatedBytes: benchmark.Memory?.BytesAllocatedPerOperation,
        job: benchmark.DisplayInfo.replace(/^[^:]*: /, ''),
      });
    }
  }
  return { results, host };
}

function formatTime(ns) {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(3)} ms`;
}

function formatMeasurement(m) {
  if (!m) return '—';
  if (m.failed) return '**failed** (see the BenchmarkDotNet log)';
  return `${formatTime(m.meanNs)} ± ${Math.round((100 * m.stdDevNs) / m.meanNs)}%`;
}

function formatBytes(bytes) {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(2)} KiB`;
}

function formatRatio(cs, js) {
  if (!cs || !js || cs.failed) return '—';
  const ratio = js.meanNs / cs.meanNs;
  return ratio >= 1 ? `**${ratio.toFixed(1)}× faster**` : `${(1 / ratio).toFixed(1)}× slower`;
}

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(host, libraries) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const memoryKiB = Number(/^MemTotal:\s*(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  return [
    `- machine: ${run('nproc', [])} logical cores (nproc), ${cpu}, ${(memoryKiB / 1024 / 1024).toFixed(1)} GiB memory, ${osName} ${os.arch()}`,
    `- .NET: SDK ${run('dotnet', ['--version'])}, runtime ${host?.RuntimeVersion ?? 'unknown'}, BenchmarkDotNet ${host?.BenchmarkDotNetVersion ?? 'unknown'}`,
    `- node ${process.version}; ${[...libraries].map(([name, version]) => `${name} ${version}`).join(', ')}`,
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, commit ${run('git', ['describe', '--always', '--dirty'])}`,
  ];
}

// The encoded lengths both sides print for the shared nodes: a difference means the node definitions drifted apart.
function lengthCheck(logFile, notes) {
  const log = logFile ? readFileSync(logFile, 'utf8') : '';
  const match = /encoded lengths: message (\d+), iq (\d+)/.exec(log);
  const baileys = notes.find((n) => n.encodedLengths)?.encodedLengths;
  if (!match || !baileys) return { line: undefined, ok: true };
  const cs = { message: Number(match[1]), iq: Number(match[2]) };
  const ok = cs.message === baileys.message && cs.iq === baileys.iq;
  const line = `- same nodes both sides: encoded lengths C# message ${cs.message} B / iq ${cs.iq} B, Baileys message ${baileys.message} B / iq ${baileys.iq} B${ok ? ' (equal)' : ' — **MISMATCH: the node definitions differ, the binary rows compare different work**'}`;
  return { line, ok };
}

const cSharp = readCSharp(options.bdn);
const nodeDocuments = nodeFiles.map((file) => JSON.parse(readFileSync(file, 'utf8')));
const libraries = new Map(nodeDocuments.map((d) => [d.library, d.version]));
const libraryOf = new Map(nodeDocuments.flatMap((d) => d.results.map((r) => [r.id, d.library])));
const nodeResults = nodeDocuments.flatMap((d) => d.results);

const ids = [...labels.keys(), ...cSharp.results.keys(), ...nodeResults.map((r) => r.id)]
  .filter((id, index, all) => all.indexOf(id) === index)
  .filter((id) => cSharp.results.has(id) || nodeResults.some((r) => r.id === id));

const rows = [];
for (const id of ids) {
  const cs = cSharp.results.get(id);
  const label = labels.get(id) ?? id;
  const variants = nodeResults.filter((r) => r.id === id);
  if (variants.length === 0) variants.push(undefined);
  for (const js of variants) {
    const suffix = js?.variant ? `, ${variantLabels.get(js.variant) ?? js.variant}` : '';
    const library = js ? ` (${libraryOf.get(id)})` : '';
    rows.push(`| ${label}${suffix} | ${formatMeasurement(cs)} | ${formatMeasurement(js)}${library} | ${formatRatio(cs, js)} | ${formatBytes(cs?.allocatedBytes)} |`);
  }
}

const check = lengthCheck(options['bdn-log'], nodeDocuments.map((d) => d.notes ?? {}));
const job = [...cSharp.results.values()].find((r) => r.job)?.job ?? 'unknown';
const lines = [
  '# WaEngine against Baileys / libsignal, one run',
  '',
  'Written by `bench/run`; see bench/README.md for what each row does. Mean ± standard deviation (as % of the mean);',
  'ratio = Baileys or libsignal mean ÷ WaEngine mean. Allocated = managed bytes per operation (BenchmarkDotNet); node has no',
  'per-operation counterpart. — means the other side has no like-for-like call.',
  '',
  '| work item | WaEngine (C#) mean | Baileys / libsignal mean | ratio | C# allocated |',
  '|---|---:|---:|---:|---:|',
  ...rows,
  '',
  ...machine(cSharp.host, libraries),
  `- C# job: ${job}, out of process; node: warm-up 0.5 s, then ${process.env.BENCH_SECONDS ?? 2} s of ~20 ms batches per row; C# first, node after, never at once`,
  ...(check.line ? [check.line] : []),
  '',
];
const markdown = lines.join('\n');
if (options.out) writeFileSync(options.out, markdown);
process.stdout.write(markdown);
if (!check.ok) process.exitCode = 2;
if ([...cSharp.results.values()].some((r) => r.failed)) {
  console.error('bench/report: some C# benchmarks failed; see the BenchmarkDotNet log');
  process.exitCode = 3;
}
