// Loads Baileys and libsignal from tests/interop/node_modules, the copies the interop tests pin, wherever the
// scripts are started from. Run `npm ci` in tests/interop first.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const interopPackage = new URL('../tests/interop/package.json', import.meta.url);
const interopRequire = createRequire(interopPackage);

function packageDirectory(name) {
  const directory = new URL(`../tests/interop/node_modules/${name}/`, import.meta.url);
  if (!existsSync(directory)) {
    throw new Error(`${name} is not installed in tests/interop/node_modules (run npm ci in tests/interop)`);
  }
  return directory;
}

/** The installed version of a package, read from its package.json. */
export function packageVersion(name) {
  return JSON.parse(readFileSync(new URL('package.json', packageDirectory(name)), 'utf8')).version;
}

/** Imports a package's entry point, or one of its files when `file` is given (relative to the package folder). */
export async function importInterop(name, file) {
  const url = file === undefined ? pathToFileURL(interopRequire.resolve(name)) : new URL(file, packageDirectory(name));
  return import(url.href);
}

/** Loads a CommonJS package (libsignal) through require. */
export function requireInterop(name) {
  packageDirectory(name);
  return interopRequire(name);
}
