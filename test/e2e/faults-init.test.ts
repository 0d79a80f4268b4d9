/**
 * `strata init --url URL` never writes a password into strata.config.ts: a URL holding one (in the user-info part
 * or as ?password=) becomes `url: process.env.DATABASE_URL`, with the URL named in a comment without its password,
 * and one line says to set DATABASE_URL. A URL without a password is written as before.
 */
import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { UserProject } from '../support/project.js'
import { linkUserProject } from '../support/safe-project.js'

const PASSWORD = 'In1t:s3cret@x'

describe('faults: init --url keeps the password out of the config', () => {
  let project: UserProject
  before(() => {
    project = linkUserProject('init-secret')
  })
  after(() => project?.remove())

  const cases = [
    { name: 'user-info, percent-encoded', url: `postgresql://app:${encodeURIComponent(PASSWORD)}@db.example:5432/shop`, shown: 'postgresql://app:***@db.example:5432/shop' },
    { name: '?password=', url: `mysql://app@db.example/shop?ssl=true&password=${encodeURIComponent(PASSWORD)}`, shown: 'mysql://app@db.example/shop?ssl=true&password=***' },
  ]
  for (const [i, c] of cases.entries()) {
    it(`a URL with a password (${c.name}) becomes process.env.DATABASE_URL`, () => {
      const dir = `secret-${i}`
      const result = project.strata(['init', `${dir}/migrations`, '--url', c.url])
      assert.equal(result.code, 0, result.stderr)
      const config = readFileSync(project.path('strata.config.ts'), 'utf8')
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'In1t']) {
        assert.ok(!config.includes(secret), `the password is in the config:\n${config}`)
        assert.ok(!(result.stdout + result.stderr).includes(secret), result.stdout)
      }
      assert.match(config, /^\s+url: process\.env\.DATABASE_URL,$/m)
      assert.ok(config.includes(`// It was given as ${c.shown}`), config)
      const lines = result.stdout.trim().split('\n').filter((l) => l.includes('DATABASE_URL'))
      assert.equal(lines.length, 1, result.stdout)
      assert.match(lines[0]!, /set DATABASE_URL/)
      // The config reads DATABASE_URL: without it, the one-line error says so.
      const unset = project.strata(['current'], { DATABASE_URL: '' })
      assert.equal(unset.code, 1)
      assert.match(unset.stderr, /^error: no database URL: set 'url' in .*strata\.config\.ts or the DATABASE_URL environment variable$/m)
      const set = project.strata(['current', '-v'], { DATABASE_URL: 'sqlite:///./app.sqlite' })
      assert.equal(set.code, 0, set.stderr)
      assert.match(set.stdout, /sqlite:\/\/\/\.\/app\.sqlite/)
      rmSync(project.path('strata.config.ts'))
    })
  }

  it('a URL without a password is written as before', () => {
    const result = project.strata(['init', 'plain/migrations', '--url', 'postgresql://app@db.example/shop'])
    assert.equal(result.code, 0, result.stderr)
    const config = readFileSync(project.path('strata.config.ts'), 'utf8')
    assert.match(config, /url: process\.env\.DATABASE_URL \?\? 'postgresql:\/\/app@db\.example\/shop',/)
    assert.match(result.stdout, /Next: point 'url'/)
  })
})
