// Times Baileys' noise transport: encrypt of one frame plus its decryption by the peer, for 1 KiB and 64 KiB frames,
// the same pair bench/NoiseBench times in C#. Run from tests/interop (needs its node_modules):
//   cd tests/interop && node ../../bench/noise-baileys.mjs
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.resolve(process.cwd(), 'package.json'));
const B = await import(require.resolve('baileys'));
const { default: pino } = await import(require.resolve('pino'));
const logger = pino({ level: 'silent' });

// Baileys' TransportState is internal, so the benchmark keys a real handler by mixing a random secret into it
// (mixIntoKey + finishInit, both exported on the handler) and times handler.encrypt (TransportState.encrypt).
// The decrypting peer is B.aesDecryptGCM, the exact function TransportState.decrypt calls, keyed with the
// handler's write key, which we derive as the handler does: ck starts as the 32-byte protocol name.
const ephemeral = B.Curve.generateKeyPair();
const client = B.makeNoiseHandler({ keyPair: ephemeral, NOISE_HEADER: B.NOISE_WA_HEADER, logger, routingInfo: undefined });
const secret = crypto.randomBytes(32);
client.mixIntoKey(secret);
await client.finishInit();
const ck = Buffer.from(B.hkdf(secret, 64, { salt: Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0'), info: '' })).subarray(0, 32);
const writeKey = Buffer.from(B.hkdf(Buffer.alloc(0), 64, { salt: ck, info: '' })).subarray(0, 32);

let counter = 0; // mirrors the handler's write counter across all runs
function bench(size, seconds = 2) {
  const plain = crypto.randomBytes(size);
  const iv = Buffer.alloc(12);
  // warm-up
  for (let i = 0; i < 200; i++) { const c = client.encrypt(plain); iv.writeUInt32BE(counter++, 8); B.aesDecryptGCM(c, writeKey, iv, Buffer.alloc(0)); }
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i++) {
      const c = client.encrypt(plain);
      iv.writeUInt32BE(counter++, 8);
      const p = B.aesDecryptGCM(c, writeKey, iv, Buffer.alloc(0));
      if (p.length !== size) throw new Error('round trip failed');
    }
    ops += 100;
  }
  const ns = Number(process.hrtime.bigint() - start) / ops;
  return { size, nsPerOp: Math.round(ns), usPerOp: +(ns / 1000).toFixed(2), mbPerSec: +((size / ns) * 1e3).toFixed(1) };
}

const results = [bench(1024), bench(65536)];
console.log(JSON.stringify(results, null, 1));
