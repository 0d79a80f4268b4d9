/** The catalogue's structure: every rule is documented, tested, and named after its file. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { lintRuleIds, lintRules } from '../../../src/lint/catalogue.js'

const REPO = join(import.meta.dirname, '../../..')
const docs = readFileSync(join(REPO, 'docs/lint.md'), 'utf8')
const tests = readdirSync(join(REPO, 'test/unit/lint'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(REPO, 'test/unit/lint', f), 'utf8'))
  .join('\n')
const ruleFiles = readdirSync(join(REPO, 'src/lint/rules')).map((f) => f.replace(/\.ts$/, ''))

describe('lint catalogue', () => {
  for (const id of lintRuleIds) {
    const rule = lintRules[id]
    it(`${id}: registered under its own id, in a file of that name`, () => {
      assert.equal(rule.id, id)
      assert.ok(ruleFiles.includes(id), `src/lint/rules/${id}.ts`)
    })
    it(`${id}: documented in docs/lint.md (section and table row)`, () => {
      assert.ok(docs.includes(`\n### ${id}\n`), `docs/lint.md needs a '### ${id}' section`)
      assert.ok(docs.includes(`| \`${id}\` | ${rule.severity} | ${rule.category} |`), `docs/lint.md table row for ${id}`)
    })
    it(`${id}: has a test`, () => {
      assert.ok(tests.includes(`ruleCases('${id}'`), `a ruleCases('${id}', …) in test/unit/lint`)
    })
  }
  it('every rule file is registered', () => {
    assert.deepEqual([...ruleFiles].sort(), [...lintRuleIds].sort())
  })
})
