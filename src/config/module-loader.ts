import { readFileSync } from 'node:fs'
import type { Jiti } from 'jiti'

let loader: Promise<Jiti> | undefined

/**
 * Loads TypeScript (config, schema and revision files) with jiti: no build step for users. One shared loader so
 * its transform cache is reused across files; imported on first use, so commands that never need it start faster.
 */
function jiti(): Promise<Jiti> {
  loader ??= import('jiti').then(({ createJiti }) => createJiti(import.meta.url, { interopDefault: false, moduleCache: true, fsCache: true }))
  return loader
}

export async function importModule(path: string): Promise<Record<string, unknown>> {
  return (await (await jiti()).import(path)) as Record<string, unknown>
}

const DEFINE_CONFIG_IMPORT = /^\s*import\s*\{\s*defineConfig\s*\}\s*from\s*['"]strata-db['"]\s*;?\s*$/m

/**
 * Loads strata.config.ts. The usual config is plain JavaScript that imports only `defineConfig`: Node then loads
 * it directly (about 60 ms faster than starting jiti, on every command). Anything else (type annotations, other
 * imports, `import.meta`) goes through jiti.
 */
export async function importConfigModule(path: string): Promise<Record<string, unknown>> {
  const source = readFileSync(path, 'utf8')
  const imports = source.match(/^\s*import\b/gm) ?? []
  const plain = imports.length === 0 || (imports.length === 1 && DEFINE_CONFIG_IMPORT.test(source))
  if (plain && !/import\.meta|\brequire\s*\(|__dirname|__filename/.test(source)) {
    const code = source.replace(DEFINE_CONFIG_IMPORT, `import { defineConfig } from '${new URL('./define-config.js', import.meta.url).href}'`)
    try {
      return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, unknown>
    } catch (error) {
      const code = (error as { code?: string }).code
      if (!(error instanceof SyntaxError) && code !== 'ERR_MODULE_NOT_FOUND') throw error
    }
  }
  return importModule(path)
}
