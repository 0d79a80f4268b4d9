import { readFileSync } from 'node:fs'

let version: string | undefined

/**
 * The installed package's version (dist/runtime/package-version.js → package.json, which the CLI bundle in
 * dist/cli/ also reaches with the same relative path), read once. A plain read and parse: `require` of the JSON
 * would first resolve it through the module loader, which cost a warm read command 4-10 ms.
 */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  return version
}
