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
    // Baileys' own pair-success handling (companion side) on a pair-success built elsewhere.
    case 'configure-pairing': {
      const stanza = {
        tag: 'iq', attrs: { id: 'p1', type: 'set', from: '@s.whatsapp.net' },
        content: [{ tag: 'pair-success', attrs: {}, content: [
          { tag: 'device-identity', attrs: { 'key-index': '1' }, content: unhex(req.identity) },
          { tag: 'platform', attrs: { name: 'android' } },
          { tag: 'device', attrs: { jid: '15550001111:1@s.whatsapp.net', lid: '100000000000001:1@lid' } },
        ] }],
      };
      const { reply } = B.configureSuccessfulPairing(stanza, {
        advSecretKey: Buffer.from(unhex(req.adv)).toString('base64'),
        signedIdentityKey: { public: unhex(req.identityPub), private: unhex(req.identityPriv) },
        signalIdentities: [],
      });
      const signNode = reply.content[0].content[0];
      return { reply: hex(signNode.content), keyIndex: signNode.attrs['key-index'] };
    }
    // A pair-success built with Baileys' protobufs and curve, as a phone would send it.
    case 'make-pair-success': {
      const account = B.Curve.generateKeyPair();
      const details = B.proto.ADVDeviceIdentity.encode({ rawId: 77, timestamp: Math.floor(Date.now() / 1000), keyIndex: 3, accountType: 0, deviceType: 0 }).finish();
      const accountSignature = B.Curve.sign(account.private, Buffer.concat([Buffer.from([6, 0]), details, unhex(req.companionIdentity)]));
      const signed = B.proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: account.public, accountSignature }).finish();
      const hmac = B.hmacSign(signed, unhex(req.adv));
      state.account = account.public;
      return { identity: hex(B.proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish()), account: hex(account.public) };
    }
    case 'check-device-signature': {
      const signed = B.proto.ADVSignedDeviceIdentity.decode(unhex(req.reply));
      const msg = Buffer.concat([Buffer.from([6, 1]), signed.details, unhex(req.companionIdentity), state.account]);
      return { valid: B.Curve.verify(unhex(req.companionIdentity), msg, signed.deviceSignature), hasAccountKey: !!(signed.accountSignatureKey && signed.accountSignatureKey.length) };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
