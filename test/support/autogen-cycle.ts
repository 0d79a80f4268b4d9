/**
 * The autogenerate mutation matrix's A → B → A cycle. A project folder with strata-db linked in (what
 * `npm install ../strata` makes: a symlink and the bin link, without npm's few seconds per file), schema files
 * written per cycle, `revision --autogenerate --json` through the CLI (what the user runs, and what must detect
 * exactly the expected changes), and the rest through the programmatic API in this process (fast).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type StrataConfig, compareWithDatabase, downgrade, resolveConfig, upgrade } from '../../src/index.js'
import type { TestDatabase, TestDialect } from './databases.js'
import { rawQuery, tableNames } from './inspect.js'
import { type CliResult, REPO, UserProject } from './project.js'
import { GeneratedFiles } from './typecheck-generated.js'

/** A user project with strata-db linked from the repository, as `npm install <repo path>` lays it out. */
export function linkedProject(label: string): UserProject {
  const dir = mkdtempSync(join(tmpdir(), `strata-e2e-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }, null, 2))
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true })
  symlinkSync(REPO, join(dir, 'node_modules', 'strata-db'))
  symlinkSync(join('..', 'strata-db', 'dist', 'cli', 'bin.js'), join(dir, 'node_modules', '.bin', 'strata'))
  return new UserProject(dir)
}

/** Config options a cycle may set (JSON-able: written into strata.config.ts as is). */
export type CycleConfig = Pick<StrataConfig, 'schemas' | 'include' | 'exclude'>

export interface CycleSpec {
  /** Lower-case letters, digits and _: names the schema files and revision ids. */
  name: string
  /** Schema file sources. */
  a: string
  b: string
  config?: CycleConfig
  /** SQL run once A is applied: the rows that must survive. */
  seed?: string[]
  /** The `Detected …` messages of A → B, in any order. */
  detected: string[]
  /** The destructive warnings among them, in any order (default: none); `null`: not this cycle's subject. */
  warnings?: string[] | null
  /** `--rename` arguments for the B revision. */
  renames?: string[]
  /** Assertions once B is applied, and once the database is back at A. */
  atB?: () => Promise<void>
  atA?: () => Promise<void>
  /** Looks at the generated B revision file. */
  file?: (source: string) => void
}

export interface CycleResult {
  detected: string[]
  warnings: string[]
  kinds: string[]
  source: string
}

/** One project and one database for a test file, per dialect. */
export class CycleRunner {
  readonly project: UserProject
  /** Every revision file the cycles generate, type-checked together when the runner is removed. */
  readonly generated: GeneratedFiles
  constructor(readonly dialect: TestDialect, readonly db: TestDatabase, label: string) {
    this.project = linkedProject(`${label}-${dialect}`)
    this.project.write('migrations/versions/.keep', '')
    this.generated = new GeneratedFiles(this.project)
  }

  /** Writes strata.config.ts (the schema file comes from STRATA_TEST_SCHEMA); returns the config it holds. */
  writeConfig(extra: CycleConfig = {}): StrataConfig {
    const config: StrataConfig = { url: this.db.url, schema: './schemas/none.ts', migrations: './migrations', ...extra }
    const body = JSON.stringify({ ...config, schema: undefined }, null, 2).replace(/\n}$/, ',\n  schema: process.env.STRATA_TEST_SCHEMA ?? "./schemas/none.ts",\n}')
    this.project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig(${body})\n`)
    return config
  }

  /** A resolved config for the in-process API, reading `schemaFile`. */
  configFor(schemaFile: string, extra: CycleConfig = {}) {
    return resolveConfig({ url: this.db.url, migrations: './migrations', ...extra, schema: schemaFile }, this.project.path('strata.config.ts'))
  }

  /** `strata revision --autogenerate --json` for a schema file; returns the parsed output. */
  autogenerate(schemaFile: string, revId: string, extraArgs: string[] = []) {
    const result = this.project.strata(['revision', '--autogenerate', '--json', '-m', revId.replaceAll('_', ' '), '--rev-id', revId, ...extraArgs], {
      STRATA_TEST_SCHEMA: schemaFile,
    })
    assert.equal(result.code, 0, `revision ${revId} failed: ${result.stderr}${result.stdout}`)
    const output = JSON.parse(result.stdout) as {
      path: string | null
      revision: string | null
      changes: Array<{ kind: string; message: string; warning: string | null }>
    }
    if (output.path) this.generated.keep(output.path)
    return output
  }

  /** Differences between a schema file and the database (the database may be behind the head). */
  async differences(schemaFile: string, extra: CycleConfig = {}): Promise<string[]> {
    const { changes } = await compareWithDatabase(this.configFor(schemaFile, extra), { allowBehind: true })
    return changes.map((c) => c.message)
  }

  /** The user's tables (strata's own left out). */
  async userTables(): Promise<string[]> {
    return (await tableNames(this.db)).filter((t) => !t.startsWith('strata_'))
  }

  /** A → B → A, asserting every step; leaves the database empty and no revision files behind. */
  async run(spec: CycleSpec): Promise<CycleResult> {
    const config = this.writeConfig(spec.config)
    const fileA = `./schemas/${spec.name}_a.ts`
    const fileB = `./schemas/${spec.name}_b.ts`
    this.project.write(fileA, spec.a)
    this.project.write(fileB, spec.b)
    const api = this.configFor(fileA, spec.config)
    try {
      const first = this.autogenerate(fileA, `${spec.name}_a`)
      assert.ok(first.path, 'schema A is applied from an empty database')
      await upgrade(api, 'head')
      assert.deepEqual(await this.differences(fileA, spec.config), [], 'A applied: nothing left to detect')
      for (const statement of spec.seed ?? []) await rawQuery(this.db, statement)

      const second = this.autogenerate(fileB, `${spec.name}_b`, (spec.renames ?? []).flatMap((r) => ['--rename', r]))
      const detected = second.changes.map((c) => c.message)
      const warnings = second.changes.flatMap((c) => (c.warning ? [c.warning] : []))
      assert.deepEqual([...detected].sort(), [...spec.detected].sort(), `detected A → B:\n${detected.join('\n')}`)
      if (spec.warnings !== null) assert.deepEqual([...warnings].sort(), [...(spec.warnings ?? [])].sort(), `warnings A → B:\n${warnings.join('\n')}`)
      const source = second.path ? readFileSync(second.path, 'utf8') : ''
      spec.file?.(source)
      if (spec.detected.length === 0) {
        assert.equal(second.path, null, 'no changes: no revision file')
      } else {
        await upgrade(api, 'head')
        assert.deepEqual(await this.differences(fileB, spec.config), [], 'B applied: check is clean against B')
        await spec.atB?.()
        await downgrade(api, '-1')
        assert.deepEqual(await this.differences(fileA, spec.config), [], 'downgrade -1: check is clean against A')
      }
      await spec.atA?.()
      return { detected, warnings, kinds: second.changes.map((c) => c.kind), source }
    } finally {
      await this.reset(config)
    }
  }

  /** Back to an empty database and no revisions, whatever state a failed cycle left. */
  async reset(config: StrataConfig = this.writeConfig()): Promise<void> {
    const api = resolveConfig({ ...config, schema: './schemas/none.ts' }, this.project.path('strata.config.ts'))
    await downgrade(api, 'base').catch(() => undefined)
    const versions = this.project.path('migrations/versions')
    for (const file of readdirSync(versions)) if (file.endsWith('.ts')) rmSync(join(versions, file))
    const left = await this.userTables()
    if (left.length > 0) {
      for (const table of left) await rawQuery(this.db, dropStatement(this.dialect, table)).catch(() => undefined)
    }
    await rawQuery(this.db, 'DELETE FROM strata_version').catch(() => undefined)
  }

  /** Type-checks what the cycles generated (tsc --strict), then removes the project. */
  remove(): void {
    try {
      this.generated.check()
    } finally {
      this.project.remove()
    }
  }
}

function dropStatement(dialect: TestDialect, table: string): string {
  if (dialect === 'postgres') return `DROP TABLE IF EXISTS "${table}" CASCADE`
  if (dialect === 'mysql') return `DROP TABLE IF EXISTS \`${table}\``
  return `DROP TABLE IF EXISTS "${table}"`
}

/** Rows of a query, as plain objects with the listed columns, sorted by the first; values as strings (null kept). */
export async function rows(db: TestDatabase, sql: string): Promise<Array<Record<string, string | null>>> {
  const result = await rawQuery(db, sql)
  return result.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])))
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

/** True when util-linux `script` can give a command a pseudo-terminal here. */
export function canUseTerminal(): boolean {
  return spawnSync('script', ['-qec', 'true', '/dev/null'], { encoding: 'utf8' }).status === 0
}

/**
 * Runs `strata ARGS…` on a pseudo-terminal (util-linux `script`), typing `input`: stdin is then a TTY, as for a
 * user at a terminal. Output comes back with the terminal's CRLF line ends turned into LF.
 */
export function strataInTerminal(project: UserProject, args: string[], env: Record<string, string>, input: string): CliResult {
  const bin = join(project.dir, 'node_modules', '.bin', 'strata')
  const command = [bin, ...args].map(shellQuote).join(' ')
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    input,
    timeout: 60_000,
  })
  return { code: result.status ?? -1, stdout: (result.stdout ?? '').replaceAll('\r\n', '\n'), stderr: result.stderr ?? '' }
}
