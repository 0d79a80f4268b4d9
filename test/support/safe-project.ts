/**
 * Scenarios for the safe-runs tests: one installed user project per test file, and in it one folder per scenario
 * (its own config, revision files and database), driven through the installed `strata` bin as subprocesses.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type TestDatabase, type TestDialect, createTestDatabase } from './databases.js'
import type { CliResult, UserProject } from './project.js'

export interface RevisionSpec {
  id: string
  down: string | null
  message: string
  /** Body of `upgrade({ op })`. */
  up: string
  /** Body of `downgrade({ op })`. */
  down_?: string
  /** Extra top-level source (e.g. `export const transaction = false`). */
  extra?: string
  /** Extra names imported from strata-db. */
  imports?: string[]
}

/** A 12-hex revision id from a number: readable in failures, unique per test. */
export function revId(n: number, prefix = 'a'): string {
  return `${prefix}${n.toString(16).padStart(12 - prefix.length, '0')}`
}

export function revisionSource(spec: RevisionSpec): string {
  const imports = ['type Migration', ...(spec.imports ?? [])].join(', ')
  return `/**
 * ${spec.message}
 *
 * Revision ID: ${spec.id}
 * Revises: ${spec.down ?? ''}
 * Create Date: 2026-01-01 00:00:00
 */
import { ${imports} } from 'strata-db'

export const revision = '${spec.id}'
export const downRevision = ${spec.down === null ? 'null' : `'${spec.down}'`}
export const branchLabels = null
export const dependsOn = null
${spec.extra ?? ''}
export async function upgrade({ op }: Migration) {
${spec.up}
}

export async function downgrade({ op }: Migration) {
${spec.down_ ?? ''}
}
`
}

export class Scenario {
  constructor(
    readonly project: UserProject,
    /** Folder of this scenario, relative to the project. */
    readonly folder: string,
    readonly db: TestDatabase,
  ) {}

  get dialect(): TestDialect {
    return this.db.dialect
  }

  path(relative = ''): string {
    return join(this.project.dir, this.folder, relative)
  }

  write(relative: string, content: string): string {
    const file = this.path(relative)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content)
    return file
  }

  /** Writes a revision file into migrations/versions; returns its path. */
  revision(spec: RevisionSpec): string {
    return this.write(`migrations/versions/${spec.id}_${spec.message.replace(/\W+/g, '_').toLowerCase()}.ts`, revisionSource(spec))
  }

  /** `strata ARGS…` in the scenario folder, synchronously. */
  strata(args: string[], env: Record<string, string> = {}): CliResult {
    const result = spawnSync(this.bin(), args, {
      cwd: this.path(),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      input: '',
      timeout: 180_000,
    })
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' }
  }

  /** `strata ARGS…` started in the background. */
  spawn(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
    const child = spawn(this.bin(), args, {
      cwd: this.path(),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr })))
    return { child, done, output: () => stdout }
  }

  private bin(): string {
    return join(this.project.dir, 'node_modules', '.bin', 'strata')
  }
}

export interface ScenarioOptions {
  /** Extra config keys, as TypeScript source (`lockTimeout: 5,`). */
  config?: string
  /** The schema file's source (default: no tables). */
  schema?: string
  /** Use this URL in the config instead of the database's own. */
  url?: string
}

/** A scenario folder with its own fresh database, config and (empty) migrations. */
export async function createScenario(project: UserProject, dialect: TestDialect, label: string, options: ScenarioOptions = {}): Promise<Scenario> {
  const db = await createTestDatabase(dialect, label)
  const folder = `${label}-${dialect}`
  const scenario = new Scenario(project, folder, db)
  scenario.write(
    'strata.config.ts',
    `import { defineConfig } from 'strata-db'

export default defineConfig({
  url: ${JSON.stringify(options.url ?? db.url)},
  schema: './schema.ts',
  migrations: './migrations',
  ${options.config ?? ''}
})
`,
  )
  scenario.write('schema.ts', options.schema ?? `export {}\n`)
  mkdirSync(scenario.path('migrations/versions'), { recursive: true })
  return scenario
}

/** The error line of a failed run, with the `error: ` prefix removed. */
export function errorLine(result: CliResult): string {
  return result.stderr.trim().replace(/^error:\s*/, '')
}
