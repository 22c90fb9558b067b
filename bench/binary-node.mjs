// Times Baileys' encodeBinaryNode / decodeBinaryNode on the nodes of bench/Bench/BenchNodes.cs (keep them in step).
// Run: node bench/binary-node.mjs (Baileys comes from tests/interop/node_modules; run `npm ci` there first).
const baileysUrl = new URL('../tests/interop/node_modules/baileys/lib/index.js', import.meta.url);
const { encodeBinaryNode, decodeBinaryNode, decodeDecompressedBinaryNode } = await import(baileysUrl.href);
const constants = await import(new URL('../tests/interop/node_modules/baileys/lib/WABinary/constants.js', import.meta.url).href);

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

const measure = async (name, fn, seconds = 2) => {
  for (let i = 0; i < 2000; i++) await fn();
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  let now = start;
  while (now < end) {
    for (let i = 0; i < 200; i++) await fn();
    ops += 200;
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  const perOp = (elapsed / ops) * 1e6;
  console.log(`${name.padEnd(32)} ${Math.round(ops / elapsed).toString().padStart(10)} ops/s  ${perOp.toFixed(2).padStart(8)} us/op`);
};

const messageBytes = encodeBinaryNode(message);
const iqBytes = encodeBinaryNode(iq);
console.log(`// node ${process.version}, encoded lengths: message ${messageBytes.length}, iq ${iqBytes.length}`);
await measure('EncodeMessage', () => encodeBinaryNode(message));
await measure('DecodeMessage (async)', () => decodeBinaryNode(messageBytes));
await measure('DecodeMessage (sync core)', () => decodeDecompressedBinaryNode(messageBytes.subarray(1), constants));
await measure('EncodeIq50', () => encodeBinaryNode(iq));
await measure('DecodeIq50 (async)', () => decodeBinaryNode(iqBytes));
await measure('DecodeIq50 (sync core)', () => decodeDecompressedBinaryNode(iqBytes.subarray(1), constants));
