// Interop peer: a small Noise XX RESPONDER built from Baileys' exported helpers (B.Curve, B.hkdf, B.sha256,
// B.proto.HandshakeMessage / CertChain) and node's AES-GCM, so WaEngine's C# client meets a server it did
// not write. It issues its own certificate chain (root -> intermediate -> leaf). Long-lived; bytes as hex.
// Ops: start{wrongRoot?} -> {rootPub}; clientHello{message} -> {message}; clientFinish{message} -> {clientStatic, payload};
//      encodeFrames{sizes} -> {plaintexts, message}; receive{message} -> {plaintexts}.
import crypto from 'node:crypto';
import { serveLines, hex, unhex } from './lib.mjs';

const B = await import('baileys');
const WA_HEADER = Buffer.from([0x57, 0x41, 0x06, 0x03]);
const iv = (n) => { const b = Buffer.alloc(12); b.writeUInt32BE(n, 8); return b; };
const gcmEnc = (key, n, plain, aad) => {
  const c = crypto.createCipheriv('aes-256-gcm', key, iv(n));
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
};
const gcmDec = (key, n, data, aad) => {
  const d = crypto.createDecipheriv('aes-256-gcm', key, iv(n));
  d.setAAD(aad);
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
};
const frame = (payload) => { const h = Buffer.alloc(3); h.writeUIntBE(payload.length, 0, 3); return Buffer.concat([h, payload]); };
const splitFrames = (data) => {
  const out = [];
  let o = 0;
  while (o < data.length) { const n = data.readUIntBE(o, 3); out.push(data.subarray(o + 3, o + 3 + n)); o += 3 + n; }
  return out;
};

let s; // handshake + transport state
const mixHash = (d) => { s.h = B.sha256(Buffer.concat([s.h, d])); };
const mixKey = (ikm) => {
  const okm = Buffer.from(B.hkdf(Buffer.from(ikm), 64, { salt: s.ck, info: '' }));
  s.ck = okm.subarray(0, 32); s.k = okm.subarray(32); s.n = 0;
};
const encryptAndHash = (p) => { const c = gcmEnc(s.k, s.n++, p, s.h); mixHash(c); return c; };
const decryptAndHash = (c) => { const p = gcmDec(s.k, s.n++, c, s.h); mixHash(c); return p; };

function issueChain(root, signingRoot, serverStaticPub) {
  const intermediate = B.Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const Details = B.proto.CertChain.NoiseCertificate.Details;
  const interDetails = Details.encode({ serial: 5, issuerSerial: 0, key: intermediate.public, notBefore: now - 3600, notAfter: now + 86400 * 365 }).finish();
  const leafDetails = Details.encode({ serial: 6, issuerSerial: 5, key: serverStaticPub, notBefore: now - 3600, notAfter: now + 86400 * 30 }).finish();
  return B.proto.CertChain.encode({
    intermediate: { details: interDetails, signature: B.Curve.sign(signingRoot.private, interDetails) },
    leaf: { details: leafDetails, signature: B.Curve.sign(intermediate.private, leafDetails) },
  }).finish();
}

await serveLines(async (req) => {
  switch (req.op) {
    case 'start': {
      const root = B.Curve.generateKeyPair();
      const signingRoot = req.wrongRoot ? B.Curve.generateKeyPair() : root;
      const staticKey = B.Curve.generateKeyPair();
      const name = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
      s = { h: name, ck: name, k: name, n: 0, static: staticKey, ephemeral: B.Curve.generateKeyPair() };
      s.chain = issueChain(root, signingRoot, staticKey.public);
      mixHash(WA_HEADER);
      return { rootPub: hex(root.public), serverStatic: hex(staticKey.public) };
    }
    case 'clientHello': {
      const data = unhex(req.message);
      if (!data.subarray(0, 4).equals(WA_HEADER)) throw new Error(`bad intro ${hex(data.subarray(0, 4))}`);
      const frames = splitFrames(data.subarray(4));
      const { clientHello } = B.proto.HandshakeMessage.decode(frames[0]);
      s.re = Buffer.from(clientHello.ephemeral);
      mixHash(s.re);
      mixHash(s.ephemeral.public);
      mixKey(B.Curve.sharedKey(s.ephemeral.private, s.re));
      const encStatic = encryptAndHash(s.static.public);
      mixKey(B.Curve.sharedKey(s.static.private, s.re));
      const encChain = encryptAndHash(s.chain);
      const hello = B.proto.HandshakeMessage.encode({ serverHello: { ephemeral: s.ephemeral.public, static: encStatic, payload: encChain } }).finish();
      return { message: hex(frame(hello)) };
    }
    case 'clientFinish': {
      const [f] = splitFrames(unhex(req.message));
      const { clientFinish } = B.proto.HandshakeMessage.decode(f);
      const clientStatic = decryptAndHash(Buffer.from(clientFinish.static));
      mixKey(B.Curve.sharedKey(s.ephemeral.private, clientStatic));
      const payload = decryptAndHash(Buffer.from(clientFinish.payload));
      const okm = Buffer.from(B.hkdf(Buffer.alloc(0), 64, { salt: s.ck, info: '' }));
      s.recvKey = okm.subarray(0, 32); s.sendKey = okm.subarray(32); s.recvN = 0; s.sendN = 0;
      return { clientStatic: hex(clientStatic), payload: hex(payload) };
    }
    case 'encodeFrames': {
      const plaintexts = req.sizes.map((n) => crypto.randomBytes(n));
      const message = Buffer.concat(plaintexts.map((p) => frame(gcmEnc(s.sendKey, s.sendN++, p, Buffer.alloc(0)))));
      return { plaintexts: plaintexts.map(hex), message: hex(message) };
    }
    case 'receive': {
      const plaintexts = splitFrames(unhex(req.message)).map((c) => gcmDec(s.recvKey, s.recvN++, c, Buffer.alloc(0)));
      return { plaintexts: plaintexts.map(hex) };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
