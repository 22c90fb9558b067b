// Crypto vectors from independent implementations: libsignal's curve (X25519, XEdDSA via curve25519-js),
// Node's OpenSSL (AES-GCM, AES-CTR, AES-CBC), Baileys' hkdf (whatsapp-rust-bridge) and its media retry crypto.
// Request: {op, ...}; answer: JSON. All bytes travel as hex.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { readRequest, reply, hex, unhex } from './lib.mjs';

const require = createRequire(import.meta.url);
const curve = require('libsignal/src/curve.js');
const B = await import('baileys');

const req = await readRequest();
const raw32 = (k33) => Buffer.from(k33).subarray(1);
const with05 = (k32) => Buffer.concat([Buffer.from([5]), unhex(k32)]);

switch (req.op) {
  case 'keypairs': {
    const out = [];
    for (let i = 0; i < req.count; i++) {
      const kp = curve.generateKeyPair();
      out.push({ pub: hex(raw32(kp.pubKey)), priv: hex(kp.privKey) });
    }
    reply(out);
    break;
  }
  case 'public': // public key of a given private key, as libsignal computes it
    reply(req.items.map((priv) => hex(raw32(curve.getPublicFromPrivateKey(unhex(priv))))));
    break;
  case 'sign':
    reply(req.items.map((x) => hex(curve.calculateSignature(unhex(x.priv), unhex(x.msg)))));
    break;
  case 'verify':
    reply(req.items.map((x) => {
      try { return curve.verifySignature(with05(x.pub), unhex(x.msg), unhex(x.sig)) === true; } catch { return false; }
    }));
    break;
  case 'agree':
    reply(req.items.map((x) => hex(curve.calculateAgreement(with05(x.pub), unhex(x.priv)))));
    break;
  case 'gcm-encrypt':
    reply(req.items.map((x) => {
      const c = crypto.createCipheriv('aes-256-gcm', unhex(x.key), unhex(x.iv));
      c.setAAD(unhex(x.aad));
      return hex(Buffer.concat([c.update(unhex(x.data)), c.final(), c.getAuthTag()]));
    }));
    break;
  case 'ctr':
    reply(req.items.map((x) => hex(B.aesEncryptCTR(unhex(x.data), unhex(x.key), unhex(x.iv)))));
    break;
  case 'cbc-encrypt':
    reply(req.items.map((x) => {
      const c = crypto.createCipheriv('aes-256-cbc', unhex(x.key), unhex(x.iv));
      return hex(Buffer.concat([c.update(unhex(x.data)), c.final()]));
    }));
    break;
  case 'hkdf':
    reply(await Promise.all(req.items.map(async (x) =>
      hex(await B.hkdf(unhex(x.ikm), x.length, { salt: x.salt ? unhex(x.salt) : undefined, info: x.info })))));
    break;
  case 'media-encrypt': { // Baileys' own encryptedStream (random key); the blob comes back with its key and hashes
    const fs = await import('node:fs/promises');
    reply(await Promise.all(req.items.map(async (x) => {
      const e = await B.encryptedStream(unhex(x.data), x.type);
      const blob = await fs.readFile(e.encFilePath);
      await fs.unlink(e.encFilePath);
      return { mediaKey: hex(e.mediaKey), blob: hex(blob), fileSha256: hex(e.fileSha256), fileEncSha256: hex(e.fileEncSha256), fileLength: e.fileLength };
    })));
    break;
  }
  case 'media-decrypt': { // Baileys' getMediaKeys, OpenSSL's AES-CBC and HMAC: the plaintext, or 'mac-mismatch'
    reply(await Promise.all(req.items.map(async (x) => {
      const { cipherKey, iv, macKey } = await B.getMediaKeys(unhex(x.mediaKey), x.type);
      const blob = unhex(x.blob);
      const enc = blob.subarray(0, blob.length - 10);
      const mac = crypto.createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, 10);
      if (!mac.equals(blob.subarray(blob.length - 10))) return 'mac-mismatch';
      const d = crypto.createDecipheriv('aes-256-cbc', cipherKey, iv);
      return hex(Buffer.concat([d.update(enc), d.final()]));
    })));
    break;
  }
  case 'media-retry-request': { // Baileys' encryptMediaRetryRequest: the receipt's enc_p, enc_iv and rmr attributes
    reply(req.items.map((x) => {
      const node = B.encryptMediaRetryRequest({ id: x.id, remoteJid: x.chat, fromMe: x.fromMe }, unhex(x.mediaKey), x.me);
      const encrypt = node.content.find((c) => c.tag === 'encrypt');
      const rmr = node.content.find((c) => c.tag === 'rmr');
      return {
        attrs: node.attrs, rmr: rmr.attrs,
        ciphertext: hex(encrypt.content.find((c) => c.tag === 'enc_p').content),
        iv: hex(encrypt.content.find((c) => c.tag === 'enc_iv').content),
      };
    }));
    break;
  }
  case 'media-retry-answer': { // Baileys' decryptMediaRetryData: the MediaRetryNotification's fields, or the error
    reply(req.items.map((x) => {
      try {
        const n = B.decryptMediaRetryData({ ciphertext: unhex(x.ciphertext), iv: unhex(x.iv) }, unhex(x.mediaKey), x.id);
        return { stanzaId: n.stanzaId, directPath: n.directPath, result: n.result };
      } catch (e) {
        return { error: String(e.message || e) };
      }
    }));
    break;
  }
  default:
    throw new Error(`unknown op ${req.op}`);
}
