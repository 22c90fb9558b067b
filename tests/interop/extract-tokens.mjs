// Writes src/Engine/Binary/tokens.json from Baileys' token tables (data, not code), so the C# codec embeds them verbatim.
// Run from tests/interop after `npm ci`: node extract-tokens.mjs
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { SINGLE_BYTE_TOKENS, DOUBLE_BYTE_TOKENS } from 'baileys/lib/WABinary/constants.js';

const sha256 = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const data = {
  source: 'baileys@7.0.0-rc14 lib/WABinary/constants.js SINGLE_BYTE_TOKENS and DOUBLE_BYTE_TOKENS (dictionary version 3)',
  singleSha256: sha256(SINGLE_BYTE_TOKENS),
  doubleSha256: sha256(DOUBLE_BYTE_TOKENS),
  single: SINGLE_BYTE_TOKENS,
  double: DOUBLE_BYTE_TOKENS,
};
const target = new URL('../../src/Engine/Binary/tokens.json', import.meta.url);
writeFileSync(target, JSON.stringify(data, null, 1) + '\n');
console.log(data.singleSha256, data.doubleSha256);
