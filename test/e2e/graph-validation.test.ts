/**
 * Issue 3, strict validation through the `strata` binary:
 * - a cycle, a self-reference, a duplicate revision id, a missing parent, a missing dependency and a header that
 *   cannot be read statically each make every command exit 1 with one line naming the files involved;
 * - a version row naming a revision no file has (a file deleted after upgrading) is reported with the fix
 *   (`strata stamp --purge`) by `current`, `upgrade`, `downgrade`, `history -r current:` and `stamp`, on every dialect.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, fails, ok, revisionFiles, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

/** Every command that reads the revision files, with what it needs to get that far. */
const COMMANDS: string[][] = [
  ['heads'],
  ['heads', '--json'],
  ['branches'],
  ['show', 'a'],
  ['show', 'a', '--json'],
  ['history'],
  ['history', '--json'],
  ['history', '-v'],
  ['history', '--graph'],
  ['history', '-r', 'base:heads'],
  ['upgrade', 'heads'],
  ['upgrade', '--sql', 'base:heads'],
  ['downgrade', 'base'],
  ['stamp', 'a'],
  ['revision', '-m', 'more'],
  ['merge', 'a', 'b', '-m', 'join'],
  ['check'],
]

let project: UserProject
let files: Map<string, string>
const pristine = new Map<string, string>()

/** Edits one revision file for the length of `body`, then puts it back. */
async function withFile(id: string, edit: (source: string) => string, body: () => Promise<void>, extraFile?: [string, string]): Promise<void> {
  const path = files.get(id)!
  writeFileSync(path, edit(pristine.get(id)!))
  if (extraFile) writeFileSync(project.path(extraFile[0]), extraFile[1])
  try {
    await body()
  } finally {
    writeFileSync(path, pristine.get(id)!)
    if (extraFile) rmSync(project.path(extraFile[0]), { force: true })
  }
}

/** A few commands of different kinds, for the variants of a problem already checked with every command. */
const SAMPLE: string[][] = [['heads'], ['history', '-r', 'base:heads'], ['upgrade', 'heads'], ['current']]

/**
 * Every command (or the sample) fails with one line matching `pattern` and naming `mustName` (files or ids); two
 * at a time, to keep the file quick on two cores.
 */
async function everyCommandFails(pattern: RegExp, mustName: string[], commands = COMMANDS): Promise<void> {
  const env = { DATABASE_URL: `sqlite:///${project.path('validation.sqlite')}` }
  const before = readdirSync(project.path('migrations/versions')).sort()
  const check = async (command: string[]) => {
    const line = await fails(project, command, pattern, env)
    for (const name of mustName) assert.ok(line.includes(name), `strata ${command.join(' ')}: '${line}' should name ${name}`)
  }
  for (let i = 0; i < commands.length; i += 2) await Promise.all(commands.slice(i, i + 2).map(check))
  assert.deepEqual(readdirSync(project.path('migrations/versions')).sort(), before, 'no command wrote a revision file')
}

describe('graph: strict validation of the revision files', () => {
  before(async () => {
    project = createLinkedProject('graph-validation')
    for (const id of ['a', 'b', 'c']) await addRevision(project, id)
    files = revisionFiles(project)
    for (const [id, path] of files) pristine.set(id, readFileSync(path, 'utf8'))
    // The database is at c, so `current` reads the graph too.
    await ok(project, ['upgrade', 'heads'], { DATABASE_URL: `sqlite:///${project.path('validation.sqlite')}` })
    COMMANDS.push(['current'])
  })
  after(() => project?.remove())

  it('the pristine project passes every command', async () => {
    assert.deepEqual([...files.keys()].sort(), ['a', 'b', 'c'])
    assert.equal((await ok(project, ['heads'])).trim(), 'c (head)')
  })

  it('a cycle (a revises c) names the revisions and their files', async () => {
    await withFile(
      'a',
      (s) => s.replace('export const downRevision = null', "export const downRevision = 'c'"),
      () => everyCommandFails(/revisions form a cycle \(each revises or depends on the next\): (a|b|c) -> /, ['a_a.ts', 'b_b.ts', 'c_c.ts'], SAMPLE),
    )
  })

  it('a cycle through dependsOn is a cycle too', async () => {
    await withFile(
      'a',
      (s) => s.replace('export const dependsOn = null', "export const dependsOn = ['c']"),
      () => everyCommandFails(/revisions form a cycle \(each revises or depends on the next\)/, ['a_a.ts', 'c_c.ts'], SAMPLE),
    )
  })

  it('a self-reference names the file', async () => {
    await withFile(
      'b',
      (s) => s.replace("export const downRevision = 'a'", "export const downRevision = ['a', 'b']"),
      () => everyCommandFails(/revision 'b' in .*b_b\.ts names itself as its downRevision/, ['b_b.ts'], SAMPLE),
    )
    await withFile(
      'b',
      (s) => s.replace('export const dependsOn = null', "export const dependsOn = ['b']"),
      () => everyCommandFails(/revision 'b' in .*b_b\.ts names itself in dependsOn/, ['b_b.ts'], SAMPLE),
    )
  })

  it('a duplicate revision id names both files', async () => {
    await withFile(
      'c',
      (s) => s,
      () => everyCommandFails(/revision 'c' is defined twice: .*c_c\.ts and .*c_copy\.ts/, ['c_c.ts', 'c_copy.ts'], SAMPLE),
      ['migrations/versions/c_copy.ts', pristine.get('c')!],
    )
  })

  it('a missing parent or dependency names the file and the missing id', async () => {
    await withFile(
      'b',
      (s) => s.replace("export const downRevision = 'a'", "export const downRevision = 'gone'"),
      () => everyCommandFails(/revision 'b' in .*b_b\.ts revises 'gone', which no file in .*versions defines/, ['b_b.ts', 'gone']),
    )
    await withFile(
      'c',
      (s) => s.replace('export const dependsOn = null', "export const dependsOn = ['nolabel']"),
      () => everyCommandFails(/revision 'c' in .*c_c\.ts depends on 'nolabel', which is neither a revision nor a branch label/, ['c_c.ts'], SAMPLE),
    )
  })

  it('a header that cannot be read statically names the file and the constant', async () => {
    await withFile(
      'b',
      (s) => s.replace("export const downRevision = 'a'", "const parent = 'a'\nexport const downRevision = parent"),
      () => everyCommandFails(/b_b\.ts: 'downRevision' must be a literal/, ['b_b.ts'], SAMPLE),
    )
    await withFile(
      'b',
      (s) => s.replace("export const revision = 'b'", 'export const revision = `b${1}`'),
      () => everyCommandFails(/b_b\.ts: 'revision' must be a literal/, ['b_b.ts'], SAMPLE),
    )
    await withFile(
      'c',
      (s) => s.replace("export const revision = 'c'\n", ''),
      () => everyCommandFails(/c_c\.ts: no `export const revision = '…'` found/, ['c_c.ts'], SAMPLE),
    )
  })

  it('current on a database strata never touched still validates the files', async () => {
    await withFile(
      'b',
      (s) => s.replace("export const downRevision = 'a'", "export const downRevision = 'gone'"),
      async () => {
        await fails(project, ['current'], /revises 'gone'/, { DATABASE_URL: `sqlite:///${project.path('untouched.sqlite')}` })
      },
    )
  })
})

describeEachDialect('graph: a version row no file has', ({ db }) => {
  let rows: UserProject
  let g: GraphDatabase
  let cFile: string
  before(async () => {
    rows = createLinkedProject('graph-unknown-row')
    for (const id of ['a', 'b', 'c']) await addRevision(rows, id)
    cFile = revisionFiles(rows).get('c')!
    g = new GraphDatabase(rows, db)
  })
  after(() => rows?.remove())

  it('after c is applied and its file deleted, every command says so with the fix, and nothing changes', async () => {
    assert.deepEqual(await g.run(['upgrade', 'heads']), ['a', 'b', 'c'])
    renameSync(cFile, `${cFile}.away`)
    const fix = /the database is at revision 'c', which no file in .*versions has; restore the file, or run 'strata stamp --purge <rev>'/
    await g.fails(['upgrade'], fix)
    await g.fails(['upgrade', 'heads'], fix)
    await g.fails(['downgrade', 'base'], fix)
    await g.fails(['downgrade', '-1'], fix)
    await g.fails(['history', '-r', 'current:'], fix)
    await g.fails(['history', '-r', 'base:current'], fix)
    await g.fails(['stamp', 'b'], fix)
    const current = await strata(rows, ['current'], g.env)
    assert.equal(current.code, 0, current.stderr)
    assert.equal(current.stdout.trim(), "c (no revision file has this id: restore the file, or fix the version table with 'strata stamp --purge <rev>')")
    assert.deepEqual((await g.currentJson()).versions, ['c'])
    // Commands that do not read the database still work.
    assert.equal((await g.ok(['heads'])).trim(), 'b (head)')
    await g.expectState(['c'], ['a', 'b', 'c'])
  })

  it('stamp --purge records where the database really is', async () => {
    await g.ok(['stamp', '--purge', 'b'])
    await g.expectState(['b'], ['a', 'b', 'c'])
    assert.equal((await g.ok(['current'])).trim(), 'b (head)')
    renameSync(`${cFile}.away`, cFile)
    await g.ok(['stamp', '--purge', 'c'])
    assert.deepEqual(await g.run(['downgrade', 'base']), ['c', 'b', 'a'])
    await g.expectState([], [])
  })
})
