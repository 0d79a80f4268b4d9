/**
 * strata's stdout is created on first use (src/cli/output.ts), with its EPIPE handler, and plain lines into a pipe
 * or a file are written to fd 1 without creating it: a reader that closes the pipe early (`strata history | head`)
 * ends the command quietly with exit code 0, not with a stack trace. The history here is long enough that its text
 * (one write) does not fit in a pipe's buffer.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type UserProject, createUserProject, writeStrataConfig } from '../support/project.js'

const REVISIONS = 3000
const id = (i: number) => `a${i.toString(16).padStart(11, '0')}`

function revision(i: number): string {
  const down = i > 1 ? `'${id(i - 1)}'` : 'null'
  return [
    `/** step ${i} of a long history */`,
    `import type { Migration } from 'strata-db'`,
    `export const revision = '${id(i)}'`,
    `export const downRevision = ${down}`,
    `export async function upgrade({ op }: Migration) { await op.execute('SELECT ${i}') }`,
    `export async function downgrade({ op }: Migration) { await op.execute('SELECT ${i}') }`,
    '',
  ].join('\n')
}

/**
 * `strata history | head -c 100` in bash, as a user types it (a real pipe, which holds 64 KiB: Node's own 'pipe'
 * stdio is a socket pair with a larger buffer): strata's exit code, what head printed, and strata's stderr.
 */
function historyIntoHead(project: UserProject): { code: number | null; printed: string; stderr: string } {
  const bin = join(project.dir, 'node_modules', 'strata-db', 'dist', 'cli', 'bin.cjs')
  const script = `"${process.execPath}" "${bin}" history 2>stderr.txt | head -c 100; exit \${PIPESTATUS[0]}`
  const result = spawnSync('bash', ['-c', script], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: result.status, printed: result.stdout, stderr: readFileSync(join(project.dir, 'stderr.txt'), 'utf8') }
}

describe('stdout closed early by the reader', () => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('output-pipe')
    writeStrataConfig(project, 'sqlite:///./app.sqlite', ", migrations: './migrations'")
    project.write('src/db/schema.ts', 'export {}\n')
    for (let i = 1; i <= REVISIONS; i++) project.write(`migrations/versions/${id(i)}_step.ts`, revision(i))
  })
  after(() => project?.remove())

  it('history | head -c 100 exits 0 without an error', () => {
    const full = project.strata(['history'])
    assert.equal(full.code, 0, full.stderr)
    assert.ok(full.stdout.length > 128 * 1024, `history prints ${full.stdout.length} bytes: more than a pipe holds`)
    const closed = historyIntoHead(project)
    assert.equal(closed.printed, full.stdout.slice(0, 100))
    assert.equal(closed.stderr, '')
    assert.equal(closed.code, 0)
  })

  it('read commands print whole into a pipe and a file without creating process.stdout (no node:net)', () => {
    // A preload that writes, on exit, whether the process loaded node:net (what process.stdout for a pipe needs).
    const preload = project.write('net-probe.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(project.path('net-probe.json'))}, JSON.stringify(process.moduleLoadList.some((m) => m === 'NativeModule net'))))`)
    const full = project.strata(['history'])
    for (const args of [['history'], ['heads'], ['history', '--json', '-r', '-2:']]) {
      const piped = project.strata(args, { NODE_OPTIONS: `--require ${preload}` })
      assert.equal(piped.code, 0, piped.stderr)
      assert.equal(JSON.parse(readFileSync(project.path('net-probe.json'), 'utf8')), false, `strata ${args.join(' ')} loaded node:net`)
      if (args.length === 1 && args[0] === 'history') assert.equal(piped.stdout, full.stdout)
    }
    const bin = join(project.dir, 'node_modules', 'strata-db', 'dist', 'cli', 'bin.cjs')
    const intoFile = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" history > history.txt`], { cwd: project.dir, encoding: 'utf8' })
    assert.equal(intoFile.status, 0, intoFile.stderr)
    assert.equal(readFileSync(project.path('history.txt'), 'utf8'), full.stdout)
  })
})
