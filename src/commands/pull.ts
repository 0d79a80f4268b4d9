import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { CompareScope } from '../autogenerate/filters.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { StrataError } from '../errors.js'
import { chooseNaming } from '../pull/choose-naming.js'
import { referencesTableIn, renderSchemaFile } from '../pull/render-schema-file.js'
import { connect } from '../runtime/runner.js'
import type { SchemaModel } from '../schema/model.js'
import type { NamingPreset } from '../schema/naming.js'
import { databaseIsThere } from './current.js'
import { type ConfigInput, type ProjectOptions, databaseOf, resolveProject } from './project.js'

export interface PullOptions extends ProjectOptions {
  /** Where to write (default: the config's schema file, when it names one file). */
  out?: string
  /** Overwrite an existing file. */
  force?: boolean
}

export interface PullResult {
  path: string
  source: string
  /** The naming preset the file assumes ('custom' when the config sets templates). */
  naming: NamingPreset | 'custom'
  /** True when `naming: '<preset>'` was added to the config file. */
  configUpdated: boolean
  /** What the DSL cannot express: listed in the file's header. */
  unmodelled: string[]
}

function outputPath(config: ResolvedConfig, out: string | undefined): string {
  if (out) return resolve(out)
  const patterns = config.schemaPatterns
  if (patterns.length === 1 && !/[*?]/.test(patterns[0]!)) return patterns[0]!
  throw new StrataError(`the config's schema names several files or a glob: pass --out FILE`, { code: 'pull' })
}

/** The database as the schema file should describe it: strata's own tables and excluded tables left out. */
async function reflect(config: ResolvedConfig, dialect: Dialect, options: PullOptions): Promise<{ model: SchemaModel; unmodelled: string[] }> {
  const { url } = await databaseOf(config, options)
  if (!(await databaseIsThere(dialect, url))) throw new StrataError(`database ${url.display} does not exist: nothing to pull`, { code: 'pull' })
  const connection = await connect(dialect, url)
  try {
    const scope = new CompareScope({
      dialect,
      ...(config.config.include ? { include: config.config.include } : {}),
      ...(config.config.exclude ? { exclude: config.config.exclude } : {}),
      ignoreTables: [config.versionTable, config.historyTable],
    })
    const introspect = { ...(config.config.schemas ? { schemas: config.config.schemas } : {}), naming: config.naming }
    const model = await dialect.introspect(connection, { ...introspect, excludeTables: (name, schema) => !scope.tableInScope({ name, schema }) })
    const unmodelled = await dialect.describeUnmodelled(connection, introspect)
    const declare = dialect.declaredColumn
    if (declare) for (const table of model.tables) table.columns = table.columns.map((c) => declare(c))
    return { model, unmodelled }
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/** Adds `naming: '<preset>'` right after `defineConfig({` when the config has no `naming` yet; false when it cannot. */
function setConfigNaming(file: string, preset: NamingPreset): boolean {
  const source = readFileSync(file, 'utf8')
  const at = source.indexOf('defineConfig({')
  if (at < 0 || /\bnaming\s*:/.test(source)) return false
  const insertAt = at + 'defineConfig({'.length
  writeFileSync(file, `${source.slice(0, insertAt)}\n  // The names the database's constraints already have (strata pull chose it).\n  naming: '${preset}',${source.slice(insertAt)}`)
  return true
}

function writeAtomically(path: string, source: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.strata-pull.tmp`
  writeFileSync(temporary, source)
  renameSync(temporary, path)
}

/**
 * `strata pull`: writes the schema file from the live database, so that `check` then finds nothing. Picks the
 * naming preset that reproduces most constraint names (and records it in the config when the config has none).
 */
export async function pull(input: ConfigInput, options: PullOptions = {}): Promise<PullResult> {
  const config = await resolveProject(input)
  const path = outputPath(config, options.out)
  if (existsSync(path) && !options.force)
    throw new StrataError(`${relative(process.cwd(), path) || path} already exists: pass --force to overwrite it`, { code: 'pull' })
  const { dialect } = await databaseOf(config, options)
  const { model, unmodelled } = await reflect(config, dialect, options)
  const configured = config.config.naming
  const chosen = configured === undefined ? chooseNaming(model.tables, referencesTableIn(model)) : null
  const naming: NamingPreset | 'custom' = chosen ? chosen.preset : typeof configured === 'string' ? configured : 'custom'
  const header = [`The schema of the ${dialect.name} database, written by \`strata pull\`.`, `Unnamed constraints and indexes follow the naming preset '${naming}'.`]
  const source = renderSchemaFile(model, { naming: chosen ? chosen.convention : config.naming, header, unmodelled })
  writeAtomically(path, source)
  let configUpdated = false
  if (chosen && chosen.preset !== 'strata') {
    configUpdated = setConfigNaming(config.file, chosen.preset)
    if (!configUpdated) options.log?.(`Add naming: '${chosen.preset}' to ${config.file}: the file's names assume it`)
  }
  return { path, source, naming, configUpdated, unmodelled }
}
