// Interop peer: the unmodified Baileys noise handler playing the CLIENT against WaEngine's C# server role.
// Long-lived (TestKit NodeProcess, one JSON request per line). The trusted root is swapped at runtime by
// overwriting B.WA_CERT_DETAILS.PUBLIC_KEY (node_modules is never edited). All bytes travel as hex.
// Ops: start{rootPub, routingInfo?} -> {message, noisePub}; serverHello{message} -> {message, payload};
//      encodeFrames{sizes} -> {plaintexts, message}; nodes{sizes} -> {plaintexts}; receive{chunks} -> {nodes}.
import crypto from 'node:crypto';
import { serveLines, silentLogger, hex, unhex } from './lib.mjs';

const B = await import('baileys');
const logger = await silentLogger();
let handler;
let noiseKey;

const cfg = { version: [2, 3000, 1043857760], browser: ['Mac OS', 'Chrome', '14.4.1'], countryCode: 'US', syncFullHistory: false };

await serveLines(async (req) => {
  switch (req.op) {
    case 'start': {
      B.WA_CERT_DETAILS.PUBLIC_KEY = unhex(req.rootPub);
      const ephemeral = B.Curve.generateKeyPair();
      noiseKey = B.Curve.generateKeyPair();
      handler = B.makeNoiseHandler({
        keyPair: ephemeral,
        NOISE_HEADER: B.NOISE_WA_HEADER,
        logger,
        routingInfo: req.routingInfo ? unhex(req.routingInfo) : undefined,
      });
      const hello = B.proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish();
      return { message: hex(handler.encodeFrame(hello)), noisePub: hex(noiseKey.public) };
    }
    case 'serverHello': {
      const frames = [];
      await handler.decodeFrame(unhex(req.message), (f) => frames.push(f));
      if (frames.length !== 1) throw new Error(`expected one ServerHello frame, got ${frames.length}`);
      const keyEnc = handler.processHandshake(B.proto.HandshakeMessage.decode(frames[0]), noiseKey);
      const creds = B.initAuthCreds();
      const payload = B.proto.ClientPayload.encode(B.generateRegistrationNode(creds, cfg)).finish();
      const finish = B.proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload: handler.encrypt(payload) } }).finish();
      const message = handler.encodeFrame(finish);
      await handler.finishInit();
      return { message: hex(message), payload: hex(payload) };
    }
    case 'encodeFrames': {
      // Transport frames from Baileys: encrypted and length-prefixed by encodeFrame, all in one message.
      const plaintexts = req.sizes.map((n) => crypto.randomBytes(n));
      const message = Buffer.concat(plaintexts.map((p) => handler.encodeFrame(p)));
      return { plaintexts: plaintexts.map(hex), message: hex(message) };
    }
    case 'nodes': {
      // Plaintexts the C# side will encrypt: binary nodes (flag byte 0 + node), since decodeFrame decodes them.
      const plaintexts = req.sizes.map((n, i) =>
        B.encodeBinaryNode({ tag: 'message', attrs: { id: `n${i}` }, content: crypto.randomBytes(n) }));
      return { plaintexts: plaintexts.map(hex) };
    }
    case 'receive': {
      const nodes = [];
      for (const chunk of req.chunks) {
        await handler.decodeFrame(unhex(chunk), (node) => nodes.push(node));
      }
      return { nodes: nodes.map((n) => ({ tag: n.tag, id: n.attrs.id, content: hex(n.content) })) };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
