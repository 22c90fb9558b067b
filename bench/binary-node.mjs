// Times Baileys' encodeBinaryNode / decodeBinaryNode on the nodes of bench/Bench/BenchNodes.cs (keep the two in step:
// the JSON carries the encoded lengths and bench/report.mjs checks them against the C# ones).
// Run: node bench/binary-node.mjs (Baileys from tests/interop/node_modules). Prints JSON on stdout, progress on stderr.
import { importInterop, packageVersion } from './interop-modules.mjs';
import { measure, report, selected } from './timing.mjs';

const { encodeBinaryNode, decodeBinaryNode, decodeDecompressedBinaryNode } = await importInterop('baileys');
const constants = await importInterop('baileys', 'lib/WABinary/constants.js');

const filled = (length) => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff));

const message = {
  tag: 'message',
  attrs: { id: '3EB0C4A1F2E5D6B7A8C9', to: '15551234567@s.whatsapp.net', type: 'text', t: '1718000000' },
  content: [
    {
      tag: 'participants', attrs: {}, content: [
        { tag: 'to', attrs: { jid: '15551234567:1@s.whatsapp.net' }, content: [{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: filled(600) }] },
        { tag: 'to', attrs: { jid: '15551234567:2@s.whatsapp.net' }, content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: filled(200) }] },
      ],
    },
    { tag: 'device-identity', attrs: {}, content: filled(150) },
  ],
};

const iq = {
  tag: 'iq',
  attrs: { id: '1234.5678-9', to: '@s.whatsapp.net', type: 'get', xmlns: 'usync' },
  content: Array.from({ length: 50 }, (_, i) => ({
    tag: 'user',
    attrs: { jid: `155500${String(i).padStart(5, '0')}@s.whatsapp.net` },
    content: [{ tag: 'devices', attrs: { version: '2' } }],
  })),
};

const messageBytes = encodeBinaryNode(message);
const iqBytes = encodeBinaryNode(iq);

// decodeBinaryNode is Baileys' public, async entry (flag byte, then the body); the synchronous core skips the flag
// byte and the promise. The C# Decode reads the flag byte too, so the public entry is the like-for-like row.
const work = [
  ['BinaryCodecBenchmarks.EncodeMessage', '', () => encodeBinaryNode(message)],
  ['BinaryCodecBenchmarks.DecodeMessage', '', () => decodeBinaryNode(messageBytes)],
  ['BinaryCodecBenchmarks.DecodeMessage', 'sync core', () => decodeDecompressedBinaryNode(messageBytes.subarray(1), constants)],
  ['BinaryCodecBenchmarks.EncodeIq50', '', () => encodeBinaryNode(iq)],
  ['BinaryCodecBenchmarks.DecodeIq50', '', () => decodeBinaryNode(iqBytes)],
  ['BinaryCodecBenchmarks.DecodeIq50', 'sync core', () => decodeDecompressedBinaryNode(iqBytes.subarray(1), constants)],
];

const results = [];
for (const [id, variant, fn] of work) {
  if (selected(id)) results.push(await measure(id, fn, variant));
}
report('baileys', packageVersion('baileys'), results, { encodedLengths: { message: messageBytes.length, iq: iqBytes.length } });
