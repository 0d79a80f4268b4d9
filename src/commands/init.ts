import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { StrataError } from '../config/errors.js'

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

function configSource(migrations: string, schema: string, url: string, settings: Record<string, string> = {}): string {
  const extra = Object.entries(settings).map(([key, value]) => `  ${key}: ${value},\n`).join('')
  return `import { defineConfig } from 'strata-db'

export default defineConfig({
  // The database. Relative SQLite paths are relative to this file's folder; DATABASE_URL wins when set.
  url: process.env.DATABASE_URL ?? '${url}',
  // Every table and enum exported from these files is the target schema.
  schema: '${schema}',
  // Revision files live in <migrations>/versions.
  migrations: '${migrations}',
${extra}})
`
}

/** `strata init`: writes strata.config.ts and the migrations folder; refuses to overwrite anything. */
export function init(options: InitOptions = {}): InitResult {
  const cwd = options.cwd ?? process.cwd()
  const migrationsDir = resolve(cwd, options.directory ?? 'migrations')
  const configFile = join(cwd, 'strata.config.ts')
  if (existsSync(configFile)) throw new StrataError(`${configFile} already exists; remove it or edit it instead of running init`)
  if (existsSync(migrationsDir) && readdirSync(migrationsDir).length > 0)
    throw new StrataError(`${migrationsDir} exists and is not empty; choose another folder: strata init <dir>`)
  const relMigrations = `./${relative(cwd, migrationsDir) || '.'}`
  const versionsDir = join(migrationsDir, 'versions')
  mkdirSync(versionsDir, { recursive: true })
  const readme = join(migrationsDir, 'README.md')
  writeFileSync(readme, MIGRATIONS_README)
  writeFileSync(join(versionsDir, '.gitkeep'), '')
  writeFileSync(configFile, configSource(relMigrations, options.schema ?? DEFAULT_SCHEMA_FILE, options.url ?? 'sqlite:///./data/app.sqlite', options.settings))
  return { configFile, migrationsDir, created: [configFile, migrationsDir, versionsDir, readme] }
}
