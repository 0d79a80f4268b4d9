import { createJiti, type Jiti } from 'jiti'

let loader: Jiti | undefined

/**
 * Loads TypeScript (config, schema and revision files) with jiti: no build step for users. One shared loader so
 * its transform cache is reused across files.
 */
function jiti(): Jiti {
  loader ??= createJiti(import.meta.url, { interopDefault: false, moduleCache: true, fsCache: true })
  return loader
}

export async function importModule(path: string): Promise<Record<string, unknown>> {
  return (await jiti().import(path)) as Record<string, unknown>
}
