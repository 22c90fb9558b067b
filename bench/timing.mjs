// The timing loop the three node scripts share, and their JSON output (read by bench/report.mjs).
//
// Like BenchmarkDotNet's pilot stage it first picks how many calls make one batch last about 20 ms, then warms up and
// picks again, then times batches for BENCH_SECONDS (default 2). The mean is total time over total calls; the standard
// deviation is over the per-call times of the batches. Functions returning a promise are awaited; synchronous ones are called directly, so a
// synchronous API pays no microtask per call.

const batchTargetNs = 20e6;
const warmupNs = 0.5e9;
const measureNs = Number(process.env.BENCH_SECONDS ?? 2) * 1e9;

// BENCH_FILTER is BenchmarkDotNet's --filter glob; ids are matched as WaEngine.Bench.<id> so one filter picks both sides.
const filter = process.env.BENCH_FILTER
  ? new RegExp(`^${process.env.BENCH_FILTER.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i')
  : undefined;

/** Whether the filter selects this id (the C# benchmark's Type.Method, with parameters as in "(Size=1024)"). */
export function selected(id) {
  return filter === undefined || filter.test(`WaEngine.Bench.${id}`) || filter.test(`WaEngine.Bench.${id.replace(/\(.*\)$/, '')}`);
}

async function runBatch(fn, calls, isAsync) {
  const start = process.hrtime.bigint();
  if (isAsync) {
    for (let i = 0; i < calls; i++) await fn();
  } else {
    for (let i = 0; i < calls; i++) fn();
  }
  return Number(process.hrtime.bigint() - start);
}

// Grows the batch until it lasts batchTargetNs; run again after warm-up, when the code is optimized.
async function calibrate(fn, start, isAsync) {
  let calls = start;
  for (;;) {
    const elapsed = await runBatch(fn, calls, isAsync);
    if (elapsed >= batchTargetNs || calls >= 1 << 24) return calls;
    calls = elapsed <= 0 ? calls * 16 : Math.min(calls * 16, Math.ceil((calls * batchTargetNs * 1.1) / elapsed));
  }
}

/**
 * Times fn; returns { id, variant, meanNs, stdDevNs, calls, batches }. `id` names the C# benchmark doing the same work;
 * `variant` tells apart two ways of calling the library for it (bench/report.mjs joins on both).
 */
export async function measure(id, fn, variant = '') {
  const first = fn();
  const isAsync = typeof first?.then === 'function';
  if (isAsync) await first;

  let calls = await calibrate(fn, 1, isAsync);
  for (let spent = 0; spent < warmupNs;) spent += await runBatch(fn, calls, isAsync);
  calls = await calibrate(fn, calls, isAsync);

  const perCall = [];
  let total = 0;
  while (total < measureNs) {
    const elapsed = await runBatch(fn, calls, isAsync);
    total += elapsed;
    perCall.push(elapsed / calls);
  }

  const meanNs = total / (calls * perCall.length);
  const variance = perCall.reduce((sum, x) => sum + (x - meanNs) ** 2, 0) / Math.max(1, perCall.length - 1);
  const result = { id, variant, meanNs: Math.round(meanNs * 10) / 10, stdDevNs: Math.round(Math.sqrt(variance) * 10) / 10, calls: calls * perCall.length, batches: perCall.length };
  console.error(`${(variant ? `${id} [${variant}]` : id).padEnd(56)} ${(meanNs / 1000).toFixed(3).padStart(10)} us/op  (${result.batches} batches of ${calls})`);
  return result;
}

/** Prints the script's JSON document on stdout: { library, version, node, notes, results }. */
export function report(library, version, results, notes = {}) {
  console.log(JSON.stringify({ library, version, node: process.version, notes, results }, null, 1));
}
