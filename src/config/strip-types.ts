import { createRequire } from 'node:module'

type Sucrase = typeof import('sucrase')

let sucrase: Sucrase | undefined

/**
 * A revision file's TypeScript as CommonJS-style JavaScript: types stripped, imports turned into `require` calls.
 * sucrase keeps every line where it was, so stack traces of the result point at the file's own lines. It is
 * loaded on first use: a run whose files are all in the compiled-revision cache never needs it.
 */
export function stripTypes(source: string, path: string): string {
  sucrase ??= createRequire(import.meta.url)('sucrase') as Sucrase
  return sucrase.transform(source, { transforms: ['typescript', 'imports'], filePath: path, production: true }).code
}
