/**
 * Helpers for the revision-graph acceptance tests (test/e2e/graph-*.test.ts): a user project that builds its
 * revision files through the `strata` binary, one table per revision so every step is visible in the database,
 * and short ways to run a command and read the version rows and tables back with the raw drivers.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestDatabase } from './databases.js'
import { tableNames, versionRows } from './inspect.js'
import { type CliResult, REPO, UserProject } from './project.js'

/**
 * A project folder where strata-db is installed exactly as `npm install <repo path>` installs it (a
 * `node_modules/strata-db` link to the repository and the `strata` bin link), without the 3 s npm run.
 * The config takes its URL from DATABASE_URL, so one project serves every dialect in turn.
 * STRATA_E2E_PACKAGE=/path links another copy of the package instead (e.g. a build kept still while the tree changes).
 */
export function createLinkedProject(label: string): UserProject {
  const packageDir = process.env.STRATA_E2E_PACKAGE ?? REPO
  const dir = mkdtempSync(join(tmpdir(), `strata-e2e-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }, null, 2))
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true })
  symlinkSync(packageDir, join(dir, 'node_modules', 'strata-db'))
  symlinkSync('../strata-db/dist/cli/bin.js', join(dir, 'node_modules', '.bin', 'strata'))
  writeFileSync(
    join(dir, 'strata.config.ts'),
    `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ schema: './schema.ts', migrations: './migrations' })\n`,
  )
  writeFileSync(join(dir, 'schema.ts'), 'export {}\n')
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true })
  return new UserProject(dir)
}

/**
 * Runs `strata ARGS…` through the installed bin link without blocking the event loop (a blocked loop makes the
 * database probes of the other dialects' suites time out).
 */
export function strata(project: UserProject, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(project.dir, 'node_modules', '.bin', 'strata'), args, {
      cwd: project.dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })
}

/** `strata ARGS…` must succeed; returns stdout. */
export async function ok(project: UserProject, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await strata(project, args, env)
  assert.equal(result.code, 0, `strata ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`)
  return result.stdout
}

/** `strata ARGS…` must fail with exit 1 and exactly one line on stderr matching `pattern`; returns that line. */
export async function fails(project: UserProject, args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<string> {
  const result = await strata(project, args, env)
  assert.equal(result.code, 1, `strata ${args.join(' ')} should exit 1, got ${result.code}:\n${result.stderr}${result.stdout}`)
  const lines = result.stderr.trim().split('\n')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`)
  assert.match(lines[0]!, pattern)
  return lines[0]!
}

/**
 * `strata revision --rev-id ID -m ID [extra…]` (or `strata merge … --rev-id ID` when `merge` lists the parents),
 * then edits the generated file so its upgrade creates table `t_<ID>` and its downgrade drops it.
 */
export async function addRevision(project: UserProject, id: string, extra: string[] = [], merge?: string[]): Promise<string> {
  const args = merge ? ['merge', ...merge, '-m', `merge ${id}`, '--rev-id', id, ...extra] : ['revision', '--rev-id', id, '-m', id, ...extra]
  const stdout = await ok(project, args)
  const match = /Generating (\S+) \.\.\. done/.exec(stdout)
  assert.ok(match, stdout)
  const path = project.path(match[1]!)
  const source = readFileSync(path, 'utf8')
  const [up, down] = source.split('export async function downgrade')
  assert.ok(up && down && up.includes('// nothing to do') && down.includes('// nothing to do'), source)
  const edited =
    up
      .replace(`import type { Migration } from 'strata-db'`, `import { type Migration, integer } from 'strata-db'`)
      .replace('// nothing to do', `await op.createTable('t_${id}', { id: integer().primaryKey() })`) +
    'export async function downgrade' +
    down.replace('// nothing to do', `await op.dropTable('t_${id}')`)
  writeFileSync(path, edited)
  return path
}

/** The revision files of a project, by revision id. */
export function revisionFiles(project: UserProject): Map<string, string> {
  const dir = project.path('migrations/versions')
  const files = new Map<string, string>()
  for (const name of readdirSync(dir)) {
    const id = /export const revision = '([^']+)'/.exec(readFileSync(join(dir, name), 'utf8'))?.[1]
    if (id) files.set(id, join(dir, name))
  }
  return files
}

/** The revisions a run printed, in order: `Running upgrade a -> b, msg` gives b, `Running downgrade e -> d1, d2, m` gives e. */
export function ranSteps(stdout: string): string[] {
  const steps: string[] = []
  for (const line of stdout.split('\n')) {
    const up = /^Running upgrade .*?-> ([^,\s]+),/.exec(line)
    const down = /^Running downgrade (\S+) ->/.exec(line)
    if (up) steps.push(up[1]!)
    else if (down) steps.push(down[1]!)
  }
  return steps
}

/** One database seen through one project: runs commands against it and reads its state back. */
export class GraphDatabase {
  constructor(
    readonly project: UserProject,
    readonly db: () => TestDatabase,
  ) {}

  get env(): Record<string, string> {
    return { DATABASE_URL: this.db().url }
  }

  ok(args: string[]): Promise<string> {
    return ok(this.project, args, this.env)
  }

  fails(args: string[], pattern: RegExp): Promise<string> {
    return fails(this.project, args, pattern, this.env)
  }

  /** Runs `upgrade`/`downgrade`/… and returns the revisions it ran, in order. */
  async run(args: string[]): Promise<string[]> {
    return ranSteps(await this.ok(args))
  }

  /** Version rows, sorted ([] when strata never wrote the table). */
  async rows(): Promise<string[]> {
    return (await versionRows(this.db())) ?? []
  }

  /** The `t_<rev>` tables present, as revision ids, sorted. */
  async applied(): Promise<string[]> {
    return (await tableNames(this.db()))
      .filter((name) => name.startsWith('t_'))
      .map((name) => name.slice(2))
      .sort()
  }

  /** Asserts the version rows and the revisions whose table exists. */
  async expectState(rows: string[], applied: string[], message?: string): Promise<void> {
    assert.deepEqual(await this.rows(), [...rows].sort(), `${message ?? ''} version rows`)
    assert.deepEqual(await this.applied(), [...applied].sort(), `${message ?? ''} tables`)
  }

  /** `current --json` parsed: the rows strata reads. */
  async currentJson(): Promise<{ url: string; versions: string[] }> {
    return JSON.parse(await this.ok(['current', '--json'])) as { url: string; versions: string[] }
  }
}

/** Applies the version statements of an offline (`--sql`) script to `rows`, returning the rows after each step. */
export function versionRowsThroughScript(script: string, rows: string[], table = 'strata_version'): string[][] {
  let current = [...rows]
  const states: string[][] = []
  let inStep = false
  for (const line of script.split('\n')) {
    if (line.startsWith('-- Running')) {
      if (inStep) states.push([...current].sort())
      inStep = true
      continue
    }
    if (!line.includes(table)) continue
    const insert = /^INSERT INTO \W?\w+\W? \(version_num\) VALUES \('([^']+)'\)/.exec(line)
    const update = /^UPDATE \W?\w+\W? SET version_num = '([^']+)' WHERE version_num = '([^']+)'/.exec(line)
    const remove = /^DELETE FROM \W?\w+\W? WHERE version_num = '([^']+)'/.exec(line)
    if (insert) {
      assert.ok(!current.includes(insert[1]!), `INSERT of an existing row ${insert[1]}`)
      current.push(insert[1]!)
    } else if (update) {
      assert.ok(current.includes(update[2]!), `UPDATE of a missing row ${update[2]} in ${current.join(', ')}`)
      current = current.map((row) => (row === update[2] ? update[1]! : row))
    } else if (remove) {
      assert.ok(current.includes(remove[1]!), `DELETE of a missing row ${remove[1]} in ${current.join(', ')}`)
      current = current.filter((row) => row !== remove[1])
    }
  }
  if (inStep) states.push([...current].sort())
  return states
}
