// Times Baileys' Noise transport on the work NoiseTransportBenchmarks times in C#: one frame encrypted by the sender
// and decrypted by the peer, for 1 KiB and 64 KiB frames.
// Run: node bench/noise-baileys.mjs (Baileys from tests/interop/node_modules). Prints JSON on stdout, progress on stderr.
//
// Baileys' TransportState is internal, so a real noise handler is keyed by mixing a random secret into it (mixIntoKey
// and finishInit, both exported on the handler) and handler.encrypt (TransportState.encrypt) is timed. The peer's side
// is aesDecryptGCM, the function TransportState.decrypt calls, keyed with the handler's write key, derived as the
// handler does (the chaining key starts as the 32-byte protocol name) and checked on the first frame.
import crypto from 'node:crypto';
import { importInterop, packageVersion } from './interop-modules.mjs';
import { measure, report, selected } from './timing.mjs';

const B = await importInterop('baileys');
const { default: pino } = await importInterop('pino');

const client = B.makeNoiseHandler({
  keyPair: B.Curve.generateKeyPair(),
  NOISE_HEADER: B.NOISE_WA_HEADER,
  logger: pino({ level: 'silent' }),
  routingInfo: undefined,
});
const secret = crypto.randomBytes(32);
client.mixIntoKey(secret);
await client.finishInit();
const chainingKey = Buffer.from(B.hkdf(secret, 64, { salt: Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0'), info: '' })).subarray(0, 32);
const writeKey = Buffer.from(B.hkdf(Buffer.alloc(0), 64, { salt: chainingKey, info: '' })).subarray(0, 32);

const empty = Buffer.alloc(0);
const iv = Buffer.alloc(12);
let counter = 0;

function roundTrip(plaintext) {
  const frame = client.encrypt(plaintext);
  iv.writeUInt32BE(counter++, 8);
  return B.aesDecryptGCM(frame, writeKey, iv, empty);
}

const results = [];
for (const size of [1024, 65536]) {
  const id = `NoiseTransportBenchmarks.EncryptDecrypt(Size=${size})`;
  if (!selected(id)) continue;
  const plaintext = crypto.randomBytes(size);
  if (!roundTrip(plaintext).equals(plaintext)) throw new Error(`a ${size}-byte frame did not survive the round trip`);
  results.push(await measure(id, () => roundTrip(plaintext)));
}
report('baileys', packageVersion('baileys'), results);
