import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { StrataError } from '../config/errors.js'
import { driverInstalled, driverPackage } from '../runtime/drivers.js'
import { type DatabaseUrl, maskPasswords, parseDatabaseUrl } from '../runtime/url.js'

export interface InitOptions {
  /** Migrations folder, relative to `cwd` (default `migrations`). */
  directory?: string
  cwd?: string
  /** Schema file the config points at (default `./src/db/schema.ts`). */
  schema?: string
  url?: string
  /** More settings for the config, as TypeScript literals (`versionTable: "'alembic_version'"`). */
  settings?: Record<string, string>
}

export interface InitResult {
  configFile: string
  migrationsDir: string
  created: string[]
  /** The URL given held a password: the config reads DATABASE_URL instead of holding it. */
  urlFromEnvironment: boolean
  /** The driver package the URL needs (`npm install <driver>`). */
  driver: string
  /** Whether that driver is installed already. */
  driverInstalled: boolean
}

const MIGRATIONS_README = `# Migrations

This folder is managed by strata.

- \`versions/\` holds one TypeScript file per revision. Each file names its parent (\`downRevision\`), so the
  files form a graph; never rename a revision id by hand.
- Create a revision: \`npx strata revision --autogenerate -m "what changed"\`, then read and edit the file.
- Apply: \`npx strata upgrade head\`; undo the last one: \`npx strata downgrade -1\`.
- Inspect: \`npx strata current\`, \`npx strata history\`, \`npx strata heads\`.
`

export const DEFAULT_SCHEMA_FILE = './src/db/schema.ts'

type Settings = Record<string, string>

function configSource(migrations: string, schema: string, url: string, settings: Settings = {}): string {
  return configFile(migrations, schema, `  // The database. Relative SQLite paths are relative to this file's folder; DATABASE_URL wins when set.
  url: process.env.DATABASE_URL ?? '${url}',`, settings)
}

/** A URL that holds a password is not written: the config reads DATABASE_URL, and names the URL without it. */
function configSourceWithoutPassword(migrations: string, schema: string, displayUrl: string, settings: Settings = {}): string {
  return configFile(migrations, schema, `  // The database, from the DATABASE_URL environment variable: its password stays out of this file.
  // It was given as ${displayUrl}
  url: process.env.DATABASE_URL,`, settings)
}

function configFile(migrations: string, schema: string, urlLines: string, settings: Settings): string {
  const extra = Object.entries(settings).map(([key, value]) => `  ${key}: ${value},\n`).join('')
  return `import { defineConfig } from 'strata-db'

export default defineConfig({
${urlLines}
  // Every table and enum exported from these files is the target schema.
  schema: '${schema}',
  // Revision files live in <migrations>/versions.
  migrations: '${migrations}',
${extra}})
`
}

/** The password-free form of a URL given to init when it holds a password; undefined when it holds none. */
function displayIfSecret(url: string, cwd: string): string | undefined {
  let parsed: DatabaseUrl
  try {
    parsed = parseDatabaseUrl(url, cwd)
  } catch {
    // Not a URL strata can read: written as given, unless it still looks like it carries a password.
    const masked = maskPasswords(url)
    return masked === url ? undefined : masked
  }
  return parsed.password === undefined ? undefined : parsed.display
}

/** `strata init`: writes strata.config.ts and the migrations folder; refuses to overwrite anything. */
export function init(options: InitOptions = {}): InitResult {
  const cwd = options.cwd ?? process.cwd()
  const url = options.url ?? 'sqlite:///./data/app.sqlite'
  // Parsed before anything is written: a bad URL is an error, not a config that fails later.
  const dialect = parseDatabaseUrl(url, cwd).dialect
  const driver = driverPackage(dialect)
  const migrationsDir = resolve(cwd, options.directory ?? 'migrations')
  const configFile = join(cwd, 'strata.config.ts')
  if (existsSync(configFile)) throw new StrataError(`${configFile} already exists; remove it or edit it instead of running init`, { code: 'init' })
  if (existsSync(migrationsDir) && readdirSync(migrationsDir).length > 0)
    throw new StrataError(`${migrationsDir} exists and is not empty; choose another folder: strata init <dir>`, { code: 'init' })
  const relMigrations = `./${relative(cwd, migrationsDir) || '.'}`
  const versionsDir = join(migrationsDir, 'versions')
  mkdirSync(versionsDir, { recursive: true })
  const readme = join(migrationsDir, 'README.md')
  writeFileSync(readme, MIGRATIONS_README)
  writeFileSync(join(versionsDir, '.gitkeep'), '')
  const schema = options.schema ?? DEFAULT_SCHEMA_FILE
  const secretUrl = options.url === undefined ? undefined : displayIfSecret(options.url, cwd)
  const source = secretUrl !== undefined
    ? configSourceWithoutPassword(relMigrations, schema, secretUrl, options.settings)
    : configSource(relMigrations, schema, url, options.settings)
  writeFileSync(configFile, source)
  return { configFile, migrationsDir, created: [configFile, migrationsDir, versionsDir, readme], urlFromEnvironment: secretUrl !== undefined, driver, driverInstalled: driverInstalled(dialect) }
}
