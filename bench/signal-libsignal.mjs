// Times npm libsignal 6.0.0 (tests/interop/node_modules) on the work bench/SignalBench measures:
// encrypt + decrypt of one 128-byte message on an established session, and a session setup
// (initOutgoing from a bundle, pkmsg encrypt, pkmsg decrypt). Sessions are stored serialized, as Baileys keeps them.
// Usage: node bench/signal-libsignal.mjs [iterations]   (after npm ci in tests/interop)
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/interop/package.json', import.meta.url));
const libsignal = require('libsignal');

function party() {
  const identity = libsignal.keyhelper.generateIdentityKeyPair();
  const registrationId = libsignal.keyhelper.generateRegistrationId();
  const signedPreKey = libsignal.keyhelper.generateSignedPreKey(identity, 1);
  const sessions = new Map();
  const storage = {
    getOurIdentity: async () => identity,
    getOurRegistrationId: async () => registrationId,
    isTrustedIdentity: async () => true,
    loadSession: async (id) => sessions.has(id) ? libsignal.SessionRecord.deserialize(JSON.parse(sessions.get(id))) : undefined,
    storeSession: async (id, record) => { sessions.set(id, JSON.stringify(record.serialize())); },
    loadPreKey: async () => undefined,
    removePreKey: async () => {},
    loadSignedPreKey: async (id) => id === 1 ? signedPreKey.keyPair : undefined,
  };
  const bundle = {
    registrationId,
    identityKey: identity.pubKey,
    signedPreKey: { keyId: 1, publicKey: signedPreKey.keyPair.pubKey, signature: signedPreKey.signature },
  };
  return { storage, sessions, bundle };
}

const alice = party();
const bob = party();
const aliceAddr = new libsignal.ProtocolAddress('alice', 0);
const bobAddr = new libsignal.ProtocolAddress('bob', 0);
const aliceCipher = new libsignal.SessionCipher(alice.storage, bobAddr);
const bobCipher = new libsignal.SessionCipher(bob.storage, aliceAddr);
const plaintext = Buffer.alloc(128);

async function setup() {
  alice.sessions.clear();
  bob.sessions.clear();
  await new libsignal.SessionBuilder(alice.storage, bobAddr).initOutgoing(bob.bundle);
  const message = await aliceCipher.encrypt(plaintext);
  return bobCipher.decryptPreKeyWhisperMessage(message.body);
}

async function encryptDecrypt() {
  const message = await aliceCipher.encrypt(plaintext);
  return bobCipher.decryptWhisperMessage(message.body);
}

async function time(name, fn, iterations) {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const microseconds = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  return { name, iterations, microseconds: Math.round(microseconds * 10) / 10 };
}

const iterations = Number(process.argv[2] ?? 2000);
const results = [];
results.push(await time('SessionSetup', setup, iterations));
await setup();
const reply = await new libsignal.SessionCipher(bob.storage, aliceAddr).encrypt(plaintext);
await aliceCipher.decryptWhisperMessage(reply.body);
results.push(await time('EncryptDecrypt', encryptDecrypt, iterations));
console.log(JSON.stringify(results, null, 1));
