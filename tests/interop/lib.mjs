// Shared helpers for the interop scripts: read the JSON request from stdin, write the JSON answer to stdout.
export async function readRequest() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length ? JSON.parse(text) : {};
}

export function reply(value) {
  process.stdout.write(JSON.stringify(value));
}

export const hex = (buf) => Buffer.from(buf).toString('hex');
export const unhex = (s) => Buffer.from(s, 'hex');
export const b64 = (buf) => Buffer.from(buf).toString('base64');
export const unb64 = (s) => Buffer.from(s, 'base64');

// Baileys logs through pino; the scripts need a silent logger with child().
export async function silentLogger() {
  const { default: pino } = await import('pino');
  return pino({ level: 'silent' });
}

// Long-lived peers (TestKit NodeProcess): one JSON request per stdin line, one JSON answer per stdout line.
// A thrown error is answered as {error: message}; the peer keeps serving.
export async function serveLines(handler) {
  const { createInterface } = await import('node:readline');
  const { format } = await import('node:util');
  // stdout carries only answers: libraries that log there (libsignal's "Closing session") go to stderr instead.
  for (const level of ['log', 'info', 'debug', 'warn']) {
    console[level] = (...args) => process.stderr.write(format(...args) + '\n');
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let answer;
    try {
      answer = await handler(JSON.parse(line));
      if (answer === undefined) answer = {};
    } catch (err) {
      answer = { error: String(err && err.stack || err) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
}
