// A long-lived libsignal peer for the Signal interop tests (TestKit NodeProcess): one party with an in-memory
// libsignal store (sessions persisted as serialized JSON, as Baileys keeps them), and Baileys' group cipher.
// Requests: {op, ...}; byte fields are hex; keys cross the boundary as 32-byte raw public keys.
import { serveLines, hex, unhex } from './lib.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const libsignal = require('libsignal');
const curve = require('libsignal/src/curve');
const { GroupCipher, GroupSessionBuilder, SenderKeyDistributionMessage, SenderKeyName, SenderKeyRecord } =
  await import('baileys/lib/Signal/Group/index.js');

let me;            // { identity: {pubKey, privKey}, registrationId, signedPreKey, preKeys: Map }
let sessions;      // address string -> serialized SessionRecord
let senderKeys;    // sender key name string -> serialized states
let nextPreKey;

const raw = (pub33) => hex(pub33.subarray(1));
const prefixed = (rawHex) => Buffer.concat([Buffer.from([5]), unhex(rawHex)]);
const address = (a) => new libsignal.ProtocolAddress(a.name, a.device ?? 0);

const storage = {
  getOurIdentity: async () => me.identity,
  getOurRegistrationId: async () => me.registrationId,
  isTrustedIdentity: async () => true,
  loadSession: async (id) => sessions.has(id) ? libsignal.SessionRecord.deserialize(JSON.parse(sessions.get(id))) : undefined,
  storeSession: async (id, record) => { sessions.set(id, JSON.stringify(record.serialize())); },
  loadPreKey: async (id) => me.preKeys.get(id),
  removePreKey: async (id) => { me.preKeys.delete(id); },
  loadSignedPreKey: async (id) => id === me.signedPreKey.keyId ? me.signedPreKey.keyPair : undefined,
};

const senderKeyStore = {
  loadSenderKey: async (name) => {
    const key = name.toString();
    return senderKeys.has(key) ? new SenderKeyRecord(JSON.parse(senderKeys.get(key), reviver)) : new SenderKeyRecord();
  },
  storeSenderKey: async (name, record) => { senderKeys.set(name.toString(), JSON.stringify(record.serialize(), replacer)); },
};
function replacer(_k, v) { return v && v.type === 'Buffer' && Array.isArray(v.data) ? { $hex: hex(Buffer.from(v.data)) } : v; }
function reviver(_k, v) { return v && typeof v === 'object' && typeof v.$hex === 'string' ? unhex(v.$hex) : v; }

function init(count) {
  const identity = libsignal.keyhelper.generateIdentityKeyPair();
  const registrationId = libsignal.keyhelper.generateRegistrationId();
  const signedPreKey = libsignal.keyhelper.generateSignedPreKey(identity, 1);
  const preKeys = new Map();
  for (let id = 1; id <= count; id++) preKeys.set(id, libsignal.keyhelper.generatePreKey(id).keyPair);
  me = { identity, registrationId, signedPreKey, preKeys };
  sessions = new Map();
  senderKeys = new Map();
  nextPreKey = 1;
}

function bundle(withOneTime) {
  const b = {
    registrationId: me.registrationId,
    identityKey: raw(me.identity.pubKey),
    signedPreKeyId: me.signedPreKey.keyId,
    signedPreKey: raw(me.signedPreKey.keyPair.pubKey),
    signature: hex(me.signedPreKey.signature),
  };
  if (withOneTime && me.preKeys.has(nextPreKey)) {
    b.preKeyId = nextPreKey;
    b.preKey = raw(me.preKeys.get(nextPreKey).pubKey);
    nextPreKey++;
  }
  return b;
}

const senderName = (group, a) => new SenderKeyName(group, address(a));

await serveLines(async (req) => {
  switch (req.op) {
    case 'init':
      init(req.preKeys ?? 20);
      return { bundle: bundle(req.withOneTime !== false) };
    case 'bundle':
      return { bundle: bundle(req.withOneTime !== false) };
    case 'process-bundle': {
      const b = req.bundle;
      const device = {
        registrationId: b.registrationId,
        identityKey: prefixed(b.identityKey),
        signedPreKey: { keyId: b.signedPreKeyId, publicKey: prefixed(b.signedPreKey), signature: unhex(b.signature) },
      };
      if (b.preKey) device.preKey = { keyId: b.preKeyId, publicKey: prefixed(b.preKey) };
      await new libsignal.SessionBuilder(storage, address(req.address)).initOutgoing(device);
      return {};
    }
    case 'encrypt': {
      const result = await new libsignal.SessionCipher(storage, address(req.address)).encrypt(unhex(req.plaintext));
      return { type: result.type === 3 ? 'pkmsg' : 'msg', ciphertext: hex(result.body) };
    }
    case 'decrypt': {
      const cipher = new libsignal.SessionCipher(storage, address(req.address));
      const data = unhex(req.ciphertext);
      const plain = req.type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(data) : await cipher.decryptWhisperMessage(data);
      return { plaintext: hex(plain) };
    }
    case 'group-create': {
      const skdm = await new GroupSessionBuilder(senderKeyStore).create(senderName(req.group, req.me));
      return { skdm: hex(skdm.serialize()) };
    }
    case 'group-process': {
      const skdm = new SenderKeyDistributionMessage(null, null, null, null, unhex(req.skdm));
      await new GroupSessionBuilder(senderKeyStore).process(senderName(req.group, req.sender), skdm);
      return {};
    }
    case 'group-encrypt': {
      const ciphertext = await new GroupCipher(senderKeyStore, senderName(req.group, req.me)).encrypt(unhex(req.plaintext));
      return { ciphertext: hex(ciphertext) };
    }
    case 'group-decrypt': {
      const plain = await new GroupCipher(senderKeyStore, senderName(req.group, req.sender)).decrypt(unhex(req.ciphertext));
      return { plaintext: hex(plain) };
    }
    case 'verify-signed-prekey': {
      const ok = curve.verifySignature(prefixed(req.identityKey), prefixed(req.signedPreKey), unhex(req.signature), false);
      return { ok };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
