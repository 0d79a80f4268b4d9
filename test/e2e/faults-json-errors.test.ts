/**
 * With --json, a failure is also JSON: `{ "error": { "code", "message" } }` on stdout, the usual one `error:` line
 * on stderr, and the exit code of the same failure without --json. Without --json, stdout stays empty.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import type { CliResult, UserProject } from '../support/project.js'
import { type Scenario, createScenario, linkUserProject, revId } from '../support/safe-project.js'

/** Every command that accepts --json, with arguments that would work on a sound project. */
const JSON_COMMANDS = [['current'], ['history'], ['history', '--applied'], ['heads'], ['branches'], ['show', 'head'], ['check'], ['verify'], ['revision', '-m', 'x']]

const PASSWORD = 'Js0n-s3cret'

function jsonError(result: CliResult, code: string, exit: number, message: RegExp): void {
  assert.equal(result.code, exit, result.stdout + result.stderr)
  const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string } }
  assert.deepEqual(Object.keys(parsed), ['error'])
  assert.deepEqual(Object.keys(parsed.error).sort(), ['code', 'message'])
  assert.equal(parsed.error.code, code, result.stdout)
  assert.match(parsed.error.message, message)
  const lines = result.stderr.trim().split('\n')
  assert.equal(lines[0], `error: ${parsed.error.message}`)
  for (const output of [result.stdout, result.stderr]) assert.ok(!output.includes(PASSWORD), `the password leaked: ${output}`)
}

describeEachDialect('faults: --json failures are JSON', ({ dialect }) => {
  let project: UserProject
  let s: Scenario
  const r1 = revId(1, 'fc1')
  before(async () => {
    project = linkUserProject(`json-errors-${dialect}`)
    s = await createScenario(project, dialect, 'json-errors')
    s.revision({ id: r1, down: null, message: 'one', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t')` })
    assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  it('every --json command: a missing config', async () => {
    for (const args of JSON_COMMANDS) {
      const plain = await s.strata([...args, '--config', 'missing.config.ts'])
      assert.equal(plain.code, 1)
      assert.equal(plain.stdout, '', 'without --json, nothing on stdout')
      jsonError(await s.strata([...args, '--json', '--config', 'missing.config.ts']), 'config', 1, /^config file not found: .*missing\.config\.ts$/)
    }
  })

  it('an unknown revision, a usage error, a malformed URL', async () => {
    jsonError(await s.strata(['show', 'nosuchrev', '--json']), 'unknown-revision', 1, /nosuchrev/)
    jsonError(await s.strata(['heads', '--json', '--bogus']), 'usage', 2, /unknown option '--bogus'/)
    jsonError(await s.strata(['history', '--applied', '--json', '--url', `oracle://u:${PASSWORD}@h/db`]), 'url', 1, /unsupported database URL scheme 'oracle'/)
  })

  it('a server that cannot be reached (the password in the URL stays hidden)', async (t) => {
    if (dialect === 'sqlite') return t.skip('reading commands treat a missing SQLite file as an untouched database')
    const url = dialect === 'postgres' ? `postgresql://postgres:${PASSWORD}@127.0.0.1:1/app` : `mysql://root:${PASSWORD}@127.0.0.1:1/app`
    for (const args of [['current'], ['verify'], ['check']]) jsonError(await s.strata([...args, '--json', '--url', url]), 'connect', 1, /cannot connect to .*:\*\*\*@127\.0\.0\.1:1\/app/)
  })

  it('a sound --json command still prints its own JSON', async () => {
    const result = await s.strata(['current', '--json'])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual((JSON.parse(result.stdout) as { versions: string[] }).versions, [r1])
  })
})
