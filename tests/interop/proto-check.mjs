// Protobuf cross-check with Baileys' protobufjs classes (WAProto). One-shot (TestKit NodePeer); bytes as hex.
// Request: {registration, login, adv, message} = hex of protobufs encoded by WaEngine.
// Answer: {decoded: {...toJSON of each, deviceProps, advIdentity, advDevice}, baileys: {...hex Baileys encoded, with its inputs}}.
import { readRequest, reply, hex, unhex } from './lib.mjs';

const B = await import('baileys');
const P = B.proto;
const req = await readRequest();
const json = (m) => m.toJSON();

const decoded = {};
if (req.registration) {
  const reg = P.ClientPayload.decode(unhex(req.registration));
  decoded.registration = json(reg);
  decoded.deviceProps = json(P.DeviceProps.decode(reg.devicePairingData.deviceProps));
}
if (req.login) decoded.login = json(P.ClientPayload.decode(unhex(req.login)));
if (req.adv) {
  const hmac = P.ADVSignedDeviceIdentityHMAC.decode(unhex(req.adv));
  decoded.adv = json(hmac);
  const identity = P.ADVSignedDeviceIdentity.decode(hmac.details);
  decoded.advIdentity = json(identity);
  decoded.advDevice = json(P.ADVDeviceIdentity.decode(identity.details));
}
if (req.message) decoded.message = json(P.Message.decode(unhex(req.message)));

const cfg = { version: [2, 3000, 1043857760], browser: ['Mac OS', 'Chrome', '14.4.1'], countryCode: 'US', syncFullHistory: false };
const creds = B.initAuthCreds();
const key = { remoteJid: '15550002222@s.whatsapp.net', fromMe: true, id: '3EB0AABBCCDD' };
const encode = (m) => hex(P.Message.encode(m).finish());
const baileys = {
  registration: hex(P.ClientPayload.encode(B.generateRegistrationNode(creds, cfg)).finish()),
  creds: {
    registrationId: creds.registrationId,
    identity: hex(creds.signedIdentityKey.public),
    signedPreKeyId: creds.signedPreKey.keyId,
    signedPreKeyPublic: hex(creds.signedPreKey.keyPair.public),
    signedPreKeySignature: hex(creds.signedPreKey.signature),
  },
  login: hex(P.ClientPayload.encode(B.generateLoginNode('15551234567:3@s.whatsapp.net', cfg)).finish()),
  react: encode(await B.generateWAMessageContent({ react: { key, text: '👍' } }, {})),
  edit: encode(await B.generateWAMessageContent({ edit: key, text: 'new text' }, {})),
  revoke: encode(await B.generateWAMessageContent({ delete: key }, {})),
  mentions: encode(await B.generateWAMessageContent({ text: 'hi @15550003333', mentions: ['15550003333@s.whatsapp.net'] }, {})),
  quoted: encode({
    extendedTextMessage: {
      text: 'a reply',
      contextInfo: {
        stanzaId: '3EB0QUOTED', participant: '15550004444@s.whatsapp.net', remoteJid: '120363000000000001@g.us',
        quotedMessage: { conversation: 'the original' }, isForwarded: true, forwardingScore: 3,
      },
    },
  }),
};
const baileysJson = {};
for (const name of ['react', 'edit', 'revoke', 'mentions', 'quoted']) baileysJson[name] = json(P.Message.decode(unhex(baileys[name])));
reply({ decoded, baileys, baileysJson });
