import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StrataError } from '../../../src/errors.js'
import { overrideDdlLock, parseDuration, resolveDdlLock, retryPause } from '../../../src/config/ddl-lock.js'
import { resolveConfig } from '../../../src/config/load-config.js'

const fail = (what: string) => new StrataError(what, { code: 'config' })

describe('ddlLockTimeout settings', () => {
  it('reads durations as ms numbers or text with a unit', () => {
    assert.equal(parseDuration(300), 300)
    assert.equal(parseDuration('300ms'), 300)
    assert.equal(parseDuration('2s'), 2000)
    assert.equal(parseDuration(' 1.5 s '), 1500)
    assert.equal(parseDuration('1m'), 60_000)
    assert.equal(parseDuration('250'), 250)
    for (const bad of ['2 seconds', '-1', 'abc', '', -5, Number.NaN, null, {}]) assert.equal(parseDuration(bad), undefined, String(bad))
  })

  it('is off unless a timeout is set; defaults fill the rest', () => {
    assert.equal(resolveDdlLock({}, fail), null)
    assert.equal(resolveDdlLock({ timeout: 0, retries: 5 }, fail), null)
    assert.deepEqual(resolveDdlLock({ timeout: '2s' }, fail), { timeoutMs: 2000, retries: 3, delayMs: 1000, maxDelayMs: 30_000 })
    assert.deepEqual(resolveDdlLock({ timeout: 300, retries: 0, delay: '50ms', maxDelay: 100 }, fail), { timeoutMs: 300, retries: 0, delayMs: 50, maxDelayMs: 100 })
  })

  it('refuses bad values with the name of the setting', () => {
    assert.throws(() => resolveDdlLock({ timeout: '2 seconds' }, fail), /'ddlLockTimeout' must be milliseconds or a duration/)
    assert.throws(() => resolveDdlLock({ timeout: 100, retries: 1.5 }, fail), /'ddlLockRetries' must be a whole number/)
    assert.throws(() => resolveDdlLock({ timeout: 100, retries: -1 }, fail), /'ddlLockRetries'/)
    assert.throws(() => resolveDdlLock({ timeout: 100, delay: '5s', maxDelay: '1s' }, fail), /'ddlLockRetryMaxDelay' \(1 s\) is shorter than 'ddlLockRetryDelay' \(5 s\)/)
  })

  it('a config carries the policy; a bad value is a config error naming the file', () => {
    const file = '/project/strata.config.ts'
    assert.equal(resolveConfig({ schema: './s.ts' }, file).ddlLock, null)
    assert.equal(resolveConfig({ schema: './s.ts', ddlLockTimeout: '500ms', ddlLockRetries: 7 }, file).ddlLock?.retries, 7)
    assert.throws(
      () => resolveConfig({ schema: './s.ts', ddlLockTimeout: 'soon' }, file),
      (e: unknown) => e instanceof StrataError && e.code === 'config' && /^invalid config \/project\/strata\.config\.ts: 'ddlLockTimeout'/.test(e.message),
    )
  })

  it('the pause doubles per retry up to the cap, jittered between half and all of it', () => {
    const policy = { timeoutMs: 100, retries: 10, delayMs: 100, maxDelayMs: 1000 }
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryPause(policy, n, () => 1)), [100, 200, 400, 800, 1000, 1000])
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryPause(policy, n, () => 0)), [50, 100, 200, 400, 500])
    for (let i = 0; i < 200; i++) {
      const pause = retryPause(policy, 3)
      assert.ok(pause >= 200 && pause <= 400, String(pause))
    }
  })

  it('CLI flags override the config; a 0 timeout turns it off for the run', () => {
    const config = { timeoutMs: 2000, retries: 3, delayMs: 1000, maxDelayMs: 30_000 }
    assert.equal(overrideDdlLock(config, {}), config)
    assert.deepEqual(overrideDdlLock(config, { retries: 9 }), { ...config, retries: 9 })
    assert.equal(overrideDdlLock(config, { timeoutMs: 0 }), null)
    assert.deepEqual(overrideDdlLock(null, { timeoutMs: 250 }), { timeoutMs: 250, retries: 3, delayMs: 1000, maxDelayMs: 30_000 })
    assert.equal(overrideDdlLock(null, { retries: 4 }), null, 'retries alone set no timeout')
  })
})
