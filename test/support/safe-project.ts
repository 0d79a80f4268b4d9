/**
 * Scenarios for the safe-runs tests: one installed user project per test file, and in it one folder per scenario
 * (its own config, revision files and database), driven through the installed `strata` bin as subprocesses.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type TestDatabase, type TestDialect, createTestDatabase } from './databases.js'
import { type CliResult, REPO, UserProject } from './project.js'

/**
 * A user project with strata-db linked from the repository exactly as `npm install <path>` links it (a symlink in
 * node_modules and the bin link), without npm's `prepare` build: these tests run against the `dist/` that
 * `npm test` has just built, and stay independent of files other work has half-edited.
 */
export function linkUserProject(label: string): UserProject {
  const dir = mkdtempSync(join(tmpdir(), `strata-safe-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }, null, 2))
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true })
  symlinkSync(REPO, join(dir, 'node_modules', 'strata-db'), 'dir')
  symlinkSync(join('..', 'strata-db', 'dist', 'cli', 'bin.js'), join(dir, 'node_modules', '.bin', 'strata'))
  return new UserProject(dir)
}

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

  /**
   * `strata ARGS…` in the scenario folder. Asynchronous on purpose: a synchronous spawn blocks the event loop, and
   * the other dialects' server probes (describeEachDialect) would time out and skip their suites.
   */
  strata(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return this.spawn(args, env).done
  }

  /** `strata ARGS…` started in the background. */
  spawn(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
    const child = spawn(this.bin(), args, {
      cwd: this.path(),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
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
