import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { buildSchemaModel } from '../schema/build.js'
import type { SchemaModel } from '../schema/model.js'
import { type SchemaDialect, validateSchemaFor } from '../schema/validate.js'
import { StrataError, describeLoadError } from './errors.js'
import type { ResolvedConfig } from './load-config.js'
import { SchemaModuleLoader } from './schema-module-loader.js'
import { nextTurn } from '../runtime/next-turn.js'

function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*'
        i++
        if (pattern[i + 1] === '/') i++
      } else re += '[^/]*'
    } else if (ch === '?') re += '[^/]'
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return []
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** Expands schema patterns: plain paths as they are, globs by walking from their fixed prefix. */
export function expandSchemaPatterns(patterns: string[]): string[] {
  const files: string[] = []
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern)) {
      if (!existsSync(pattern)) throw new StrataError(`schema file not found: ${pattern}`, { code: 'schema' })
      files.push(pattern)
      continue
    }
    const fixed = pattern.slice(0, pattern.search(/[*?]/))
    const root = fixed.endsWith('/') ? fixed.slice(0, -1) : dirname(fixed)
    const re = globToRegExp(relative(root, pattern))
    const matches = walk(root).filter((f) => re.test(relative(root, f)) && !basename(f).endsWith('.d.ts'))
    files.push(...matches.sort())
  }
  return [...new Set(files)]
}

/**
 * Loads the schema files and builds the target model from every exported table and enum; with a dialect, also
 * checks what that database would reject (see validate.ts).
 */
export async function loadSchemaModel(resolved: ResolvedConfig, dialect?: SchemaDialect): Promise<SchemaModel> {
  const files = expandSchemaPatterns(resolved.schemaPatterns)
  if (files.length === 0) throw new StrataError(`no schema file matches ${resolved.schemaPatterns.join(', ')}`, { code: 'schema' })
  const exported: unknown[] = []
  const loader = new SchemaModuleLoader()
  for (const file of files) {
    let module: Record<string, unknown>
    try {
      module = await loader.import(file)
    } catch (error) {
      throw new StrataError(`schema file ${file} failed to load: ${describeLoadError(error)}`, { code: 'schema' })
    }
    exported.push(...Object.values(module))
  }
  try {
    // `check` and autogenerate send catalog queries one after another while the schema loads: each needs this thread.
    await nextTurn()
    const model = buildSchemaModel(exported, resolved.naming)
    await nextTurn()
    if (dialect) validateSchemaFor(model, dialect)
    return model
  } catch (error) {
    throw new StrataError(`schema is invalid: ${(error as Error).message}`, { code: 'schema' })
  } finally {
    // After the build: the code cache then holds the table callbacks too (`(t) => [index()…]`, `() => users.id`),
    // which V8 otherwise compiles lazily on every run (≈40 ms at 1,000 tables).
    loader.save()
  }
}
