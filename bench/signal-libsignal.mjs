// Times npm libsignal (tests/interop/node_modules) on the work SignalBenchmarks times in C#: one 128-byte message
// encrypted and decrypted on an established session, and a session setup (initOutgoing from a bundle without a
// one-time prekey, pkmsg encrypt, pkmsg decrypt). Sessions are stored serialized, as Baileys keeps them and as the C#
// in-memory store does. Run: node bench/signal-libsignal.mjs. Prints JSON on stdout, progress on stderr.
import { packageVersion, requireInterop } from './interop-modules.mjs';
import { measure, report, selected } from './timing.mjs';

const libsignal = requireInterop('libsignal');

function party() {
  const identity = libsignal.keyhelper.generateIdentityKeyPair();
  const registrationId = libsignal.keyhelper.generateRegistrationId();
  const signedPreKey = libsignal.keyhelper.generateSignedPreKey(identity, 1);
  const sessions = new Map();
  const storage = {
    getOurIdentity: async () => identity,
    getOurRegistrationId: async () => registrationId,
    isTrustedIdentity: async () => true,
    loadSession: async (id) => (sessions.has(id) ? libsignal.SessionRecord.deserialize(JSON.parse(sessions.get(id))) : undefined),
    storeSession: async (id, record) => { sessions.set(id, JSON.stringify(record.serialize())); },
    loadPreKey: async () => undefined,
    removePreKey: async () => {},
    loadSignedPreKey: async (id) => (id === 1 ? signedPreKey.keyPair : undefined),
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
const aliceAddress = new libsignal.ProtocolAddress('alice', 0);
const bobAddress = new libsignal.ProtocolAddress('bob', 0);
const aliceCipher = new libsignal.SessionCipher(alice.storage, bobAddress);
const bobCipher = new libsignal.SessionCipher(bob.storage, aliceAddress);
const plaintext = Buffer.alloc(128);

async function sessionSetup() {
  alice.sessions.clear();
  bob.sessions.clear();
  await new libsignal.SessionBuilder(alice.storage, bobAddress).initOutgoing(bob.bundle);
  const message = await aliceCipher.encrypt(plaintext);
  return bobCipher.decryptPreKeyWhisperMessage(message.body);
}

async function encryptDecrypt() {
  const message = await aliceCipher.encrypt(plaintext);
  return bobCipher.decryptWhisperMessage(message.body);
}

// An established session: set up, then one reply from Bob so Alice's next message is a plain whisper message.
async function establish() {
  await sessionSetup();
  const reply = await bobCipher.encrypt(plaintext);
  await aliceCipher.decryptWhisperMessage(reply.body);
}

const results = [];
if (selected('SignalBenchmarks.SessionSetupAsync')) {
  results.push(await measure('SignalBenchmarks.SessionSetupAsync', sessionSetup));
}
if (selected('SignalBenchmarks.EncryptDecryptAsync')) {
  await establish();
  const decrypted = await encryptDecrypt();
  if (!Buffer.from(decrypted).equals(plaintext)) throw new Error('libsignal round trip returned other bytes');
  results.push(await measure('SignalBenchmarks.EncryptDecryptAsync', encryptDecrypt));
}
report('libsignal', packageVersion('libsignal'), results);
