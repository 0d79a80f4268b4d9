/**
 * `strata lint` through the CLI of an installed strata-db, on each dialect: the pending revisions by default,
 * `base:head` for all, findings with the line of the op call, silencing comments listed as silenced, `--json`,
 * exit 1 only for an unsilenced error, config severities, and real row / NULL / duplicate counts with --database.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { installProject, subProject } from '../support/installed-project.js'
import type { UserProject } from '../support/project.js'
import type { LintFinding } from '../../src/lint/lint-revisions.js'

let installed: UserProject | undefined
before(async () => {
  installed = await installProject('lint-cli')
})
after(() => installed?.remove())

const FIRST = `import type { Migration } from 'strata-db'
import { bigint, text, varchar } from 'strata-db'

export const revision = 'first'
export const downRevision = null

export async function upgrade({ op }: Migration) {
  await op.createTable('users', { id: bigint().primaryKey(), email: varchar({ length: 100 }).notNull(), nick: text() })
  await op.createTable('posts', { id: bigint().primaryKey(), body: text() })
}

export async function downgrade({ op }: Migration) {
  await op.dropTable('posts')
  await op.dropTable('users')
}
`

const SECOND = `import type { Migration } from 'strata-db'
import { bigint, text } from 'strata-db'

export const revision = 'second'
export const downRevision = 'first'

export async function upgrade({ op }: Migration) {
  await op.createUnique('uq_users_email', 'users', ['email'])
  await op.alterColumn('users', 'nick', { nullable: false, existingNullable: true })
  // strata-lint-ignore drop-column: the application stopped reading posts.body in release 41
  await op.dropColumn('posts', 'body')
  await op.createTable('drafts', { id: bigint().primaryKey(), note: text() })
  await op.createIndex('ix_drafts_note', 'drafts', ['note'])
}

export async function downgrade({ op }: Migration) {
  await op.dropTable('drafts')
}
`

const THIRD = `import type { Migration } from 'strata-db'

export const revision = 'third'
export const downRevision = 'second'

export async function upgrade({ op }: Migration) {
  for (const table of ['users']) {
    await op.renameColumn(table, 'nick', 'nickname')
  }
}

export async function downgrade({ op }: Migration) {
  await op.renameColumn('users', 'nickname', 'nick')
}
`

type Finding = LintFinding

/** A baseline as `init --from-database` writes it (an adopted table with a 32-bit key), with or without its guard. */
function baselineFile(guarded: boolean): string {
  return `import { type Migration, integer, refuseBelowBaseline } from 'strata-db'

export const revision = 'adopted'
export const downRevision = null

export async function upgrade({ op }: Migration) {
  await op.createTable('legacy', { id: integer().primaryKey() })
}

export async function downgrade({ op }: Migration) {
${guarded ? '  refuseBelowBaseline()\n' : ''}  await op.dropTable('legacy')
}
`
}

function config(url: string, extra = ''): string {
  return `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({\n  url: '${url}',\n  schema: './schema.ts',${extra}\n})\n`
}

describeEachDialect('strata lint', ({ dialect, db }) => {
  let project: UserProject
  const json = (args: string[]) => {
    const result = project.strata(['lint', ...args, '--json'])
    assert.ok(result.code === 0 || result.code === 1, result.stderr)
    return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings }
  }

  before(async () => {
    project = subProject(installed!, dialect)
    project.write('strata.config.ts', config(db().url))
    project.write('schema.ts', 'export {}\n')
    project.write('migrations/versions/first.ts', FIRST)
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
    await rawQuery(db(), `INSERT INTO users (id, email, nick) VALUES (1, 'a@x', NULL), (2, 'a@x', 'b'), (3, 'a@x', NULL), (4, 'c@x', NULL), (5, 'd@x', 'e')`)
    await rawQuery(db(), `INSERT INTO posts (id, body) VALUES (1, 'x'), (2, 'y')`)
    project.write('migrations/versions/second.ts', SECOND)
  })

  it('lints the pending revisions: each finding with its rule, line and fix; the silenced one listed as silenced', () => {
    const { code, findings } = json([])
    assert.equal(code, 0)
    assert.deepEqual([...new Set(findings.map((f) => f.revision))], ['second'])
    const byRule = new Map(findings.map((f) => [f.rule, f]))
    assert.equal(byRule.get('add-unique-constraint-blocking')?.line, 8)
    assert.equal(byRule.get('add-unique-constraint-blocking')?.operation, 'addUnique')
    assert.equal(byRule.get('set-not-null')?.line, 9)
    assert.equal(byRule.get('drop-column')?.line, 11)
    assert.equal(byRule.get('drop-column')?.severity, 'error')
    assert.equal(byRule.get('drop-column')?.silenced, 'the application stopped reading posts.body in release 41')
    assert.match(byRule.get('drop-column')!.file, /migrations\/versions\/second\.ts$/)
    assert.ok(byRule.get('set-not-null')!.fix.length > 0)
    // The index on the table the revision creates is exempt.
    assert.equal(findings.some((f) => f.message.includes('ix_drafts_note')), false)
    assert.equal(findings.some((f) => f.data !== undefined), false)
  })

  it('--database adds the real row, NULL and duplicate counts', () => {
    const { findings } = json(['--database'])
    const byRule = new Map(findings.map((f) => [f.rule, f]))
    assert.deepEqual(byRule.get('add-unique-constraint-blocking')?.data, { duplicates: 2 })
    assert.match(byRule.get('add-unique-constraint-blocking')!.message, /\(2 duplicate values\)$/)
    assert.deepEqual(byRule.get('set-not-null')?.data, { nulls: 3 })
    assert.match(byRule.get('set-not-null')!.message, /\(column holds 3 NULLs\)$/)
    assert.deepEqual(byRule.get('drop-column')?.data, { rows: 2 })
    assert.match(byRule.get('drop-column')!.message, /\(table holds 2 rows\)$/)
  })

  it('exits 1 for an unsilenced error, found in a loop; human output groups by revision with the place and the fix', () => {
    project.write('migrations/versions/third.ts', THIRD)
    const result = project.strata(['lint'])
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(result.stdout, /^second\n/m)
    assert.match(result.stdout, /^third\n/m)
    assert.match(result.stdout, /error {4}rename-column {2}migrations\/versions\/third\.ts:8\n/)
    assert.match(result.stdout, /fix: expand\/contract/)
    assert.match(result.stdout, /silenced drop-column {2}migrations\/versions\/second\.ts:11 \(the application stopped reading posts\.body in release 41\)/)
  })

  it("config lint.rules changes a rule's severity or turns it off; an unknown rule id is a one-line config error", () => {
    project.write('strata.config.ts', config(db().url, `\n  lint: { rules: { 'rename-column': 'warning', 'set-not-null': 'off' } },`))
    const { code, findings } = json([])
    assert.equal(code, 0)
    assert.equal(findings.find((f) => f.rule === 'rename-column')?.severity, 'warning')
    assert.equal(findings.some((f) => f.rule === 'set-not-null'), false)
    project.write('strata.config.ts', config(db().url, `\n  lint: { rules: { 'no-such-rule': 'off' } },`))
    const bad = project.strata(['lint'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /lint\.rules names no rule 'no-such-rule'/)
    assert.equal(bad.stderr.trim().split('\n').length, 1)
    project.write('strata.config.ts', config(db().url))
  })

  it('base:head lints every revision, the applied ones too', () => {
    const { findings } = json(['base:head'])
    assert.deepEqual([...new Set(findings.map((f) => f.revision))].sort(), ['second', 'third'].concat(findings.some((f) => f.revision === 'first') ? ['first'] : []).sort())
    // The first revision creates its tables: nothing there is a lock or data finding.
    assert.equal(findings.filter((f) => f.revision === 'first' && f.severity !== 'info').length, 0)
  })

  it('a baseline is replayed, not linted: its tables existed before strata', () => {
    const adopted = subProject(installed!, `${dialect}-baseline`)
    adopted.write('strata.config.ts', config(db().url))
    adopted.write('schema.ts', 'export {}\n')
    const lintAll = () => JSON.parse(adopted.strata(['lint', 'base:head', '--json']).stdout) as { findings: Finding[] }
    adopted.write('migrations/versions/adopted.ts', baselineFile(false))
    // The same file without its guard is an ordinary first revision: the 32-bit key is reported where the rule applies.
    if (dialect !== 'sqlite') assert.ok(lintAll().findings.some((f) => f.revision === 'adopted' && f.rule === 'prefer-bigint-over-int'))
    adopted.write('migrations/versions/adopted.ts', baselineFile(true))
    assert.deepEqual(lintAll().findings, [])
  })
})

