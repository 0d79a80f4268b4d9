import { readFileSync } from 'node:fs'
import { Script } from 'node:vm'
import type { Jiti } from 'jiti'
import { importExternal } from '../runtime/external-import.js'
import { defineConfig } from './define-config.js'

let loader: Promise<Jiti> | undefined

/**
 * Loads TypeScript (config, schema and revision files) with jiti: no build step for users. One shared loader so
 * its transform cache is reused across files; imported on first use, so commands that never need it start faster.
 */
function jiti(): Promise<Jiti> {
  loader ??= importExternal<typeof import('jiti')>('jiti').then(({ createJiti }) => createJiti(import.meta.url, { interopDefault: false, moduleCache: true, fsCache: true }))
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
    const evaluated = evaluatePlainConfig(source, path)
    if (evaluated) return evaluated
    const code = source.replace(DEFINE_CONFIG_IMPORT, `import { defineConfig } from '${new URL('../bundle/define-config.js', import.meta.url).href}'`)
    try {
      return await importExternal<Record<string, unknown>>(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (!(error instanceof SyntaxError) && code !== 'ERR_MODULE_NOT_FOUND') throw error
    }
  }
  return importModule(path)
}

/**
 * The plain config (the one `strata init` writes: at most the `defineConfig` import, one `export default`, plain
 * JavaScript) run as a function of `defineConfig`, without Node's ES module loader, which would cost a short
 * command about 10 ms to set up. Undefined when the file has another shape or does not parse as JavaScript (type
 * annotations, top-level await): the module paths load it then.
 */
function evaluatePlainConfig(source: string, path: string): Record<string, unknown> | undefined {
  const exports = source.match(/^\s*export\b/gm) ?? []
  if (exports.length !== 1 || !/^export default\b/m.test(source)) return undefined
  // Lines kept where they are, so an error in the file names its own line.
  const body = source
    .replace(DEFINE_CONFIG_IMPORT, (line) => '\n'.repeat(line.split('\n').length - 1))
    .replace(/^export default\b/m, 'module.default =')
  let run: (define: typeof defineConfig, module: { default?: unknown }) => void
  try {
    run = new Script(`(function (defineConfig, module) {'use strict';${body}\n})`, { filename: path }).runInThisContext() as typeof run
  } catch (error) {
    if (error instanceof SyntaxError) return undefined
    throw error
  }
  const module: { default?: unknown } = {}
  run(defineConfig, module)
  return { default: module.default }
}
