// Baileys as the independent oracle for the binary node codec.
// Request:  { "encode": [node...], "decode": ["hex"...] }, node = { tag, attrs: [[key, value]...], children?, bytes?: hex, text? }
// Answer:   { "encoded": ["hex" | { error }...], "decoded": [node | { error }...] }
// Attributes travel as pairs so their order survives JSON; content comes back in the same shape (Buffer -> bytes hex).
import { encodeBinaryNode, decodeBinaryNode } from 'baileys';
import { readRequest, reply, hex, unhex } from './lib.mjs';

const toBaileys = (node) => {
  const attrs = {};
  for (const [key, value] of node.attrs ?? []) attrs[key] = value;
  let content;
  if (node.children !== undefined) content = node.children.map(toBaileys);
  else if (node.bytes !== undefined) content = unhex(node.bytes);
  else if (node.text !== undefined) content = node.text;
  return { tag: node.tag, attrs, content };
};

const fromBaileys = (node) => {
  const out = { tag: node.tag, attrs: Object.entries(node.attrs) };
  if (Array.isArray(node.content)) out.children = node.content.map(fromBaileys);
  else if (node.content instanceof Uint8Array) out.bytes = hex(node.content);
  else if (typeof node.content === 'string') out.text = node.content;
  else if (node.content !== undefined) out.unexpected = String(node.content);
  return out;
};

const request = await readRequest();
const encoded = (request.encode ?? []).map((node) => {
  try {
    return hex(encodeBinaryNode(toBaileys(node)));
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
});
const decoded = [];
for (const text of request.decode ?? []) {
  try {
    decoded.push(fromBaileys(await decodeBinaryNode(unhex(text))));
  } catch (err) {
    decoded.push({ error: String(err?.message ?? err) });
  }
}
reply({ encoded, decoded });
