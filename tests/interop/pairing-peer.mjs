// Phone-code and QR pairing as Baileys computes them, playing either end (long-lived; see TestKit NodeProcess).
// The companion half repeats Baileys' requestPairingCode / link_code_companion_reg handler with its own primitives;
// the primary half is their mirror, built from the same primitives. Bytes travel as hex.
import { serveLines, hex, unhex } from './lib.mjs';

const B = await import('baileys');
const { randomBytes } = await import('node:crypto');

const state = {};
const unwrap = async (code, blob) => {
  const key = await B.derivePairingCodeKey(code, blob.subarray(0, 32));
  return B.aesDecryptCTR(blob.subarray(48, 80), key, blob.subarray(32, 48));
};
const wrap = async (code, pub) => {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = await B.derivePairingCodeKey(code, salt);
  return Buffer.concat([salt, iv, B.aesEncryptCTR(pub, key, iv)]);
};

await serveLines(async (req) => {
  switch (req.op) {
    case 'crockford':
      return { codes: req.items.map((h) => B.bytesToCrockford(unhex(h))) };
    case 'code-key':
      return { key: hex(await B.derivePairingCodeKey(req.code, unhex(req.salt))) };
    case 'qr':
      return { qr: B.buildPairingQRData(req.ref, req.noise, req.identity, req.adv, req.browser) };

    // Baileys as the companion.
    case 'companion-hello': {
      state.code = req.code;
      state.eph = B.Curve.generateKeyPair();
      state.identity = B.Curve.generateKeyPair();
      return { wrapped: hex(await wrap(req.code, state.eph.public)), identity: hex(state.identity.public) };
    }
    case 'companion-finish': {
      const primaryEph = await unwrap(state.code, unhex(req.wrappedPrimary));
      const primaryIdentity = unhex(req.primaryIdentity);
      const shared = B.Curve.sharedKey(state.eph.private, primaryEph);
      const random = randomBytes(32);
      const salt = randomBytes(32);
      const bundleKey = B.hkdf(shared, 32, { salt, info: 'link_code_pairing_key_bundle_encryption_key' });
      const iv = randomBytes(12);
      const sealed = B.aesEncryptGCM(Buffer.concat([state.identity.public, primaryIdentity, random]), bundleKey, iv, Buffer.alloc(0));
      const identityShared = B.Curve.sharedKey(state.identity.private, primaryIdentity);
      const adv = B.hkdf(Buffer.concat([shared, identityShared, random]), 32, { info: 'adv_secret' });
      return { bundle: hex(Buffer.concat([salt, iv, sealed])), adv: hex(adv) };
    }

    // The mirror: a primary phone built from the same primitives.
    case 'primary-hello': {
      state.code = req.code;
      state.companionEph = await unwrap(req.code, unhex(req.wrappedCompanion));
      state.eph = B.Curve.generateKeyPair();
      state.identity = B.Curve.generateKeyPair();
      return { wrapped: hex(await wrap(req.code, state.eph.public)), identity: hex(state.identity.public), companionEph: hex(state.companionEph) };
    }
    case 'primary-finish': {
      const bundle = unhex(req.bundle);
      const shared = B.Curve.sharedKey(state.eph.private, state.companionEph);
      const bundleKey = B.hkdf(shared, 32, { salt: bundle.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' });
      const plain = B.aesDecryptGCM(bundle.subarray(44), bundleKey, bundle.subarray(32, 44), Buffer.alloc(0));
      const companionIdentity = unhex(req.companionIdentity);
      if (!plain.subarray(0, 32).equals(companionIdentity)) throw new Error('bundle names another companion identity');
      if (!plain.subarray(32, 64).equals(state.identity.public)) throw new Error('bundle names another primary identity');
      const identityShared = B.Curve.sharedKey(state.identity.private, companionIdentity);
      const adv = B.hkdf(Buffer.concat([shared, identityShared, plain.subarray(64, 96)]), 32, { info: 'adv_secret' });
      return { adv: hex(adv) };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
