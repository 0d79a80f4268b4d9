import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { maskSecret } from '../../../src/dialects/shared/secrets.js'

// The secrets here are never parsed from a URL, so maskPasswords does not know them: only maskSecret can mask them.
describe('maskSecret (drivers and the run loop)', () => {
  it('masks the secret where a driver echoes it without its URL, also URL-encoded', () => {
    assert.equal(maskSecret("auth failed for 'zq8-p@ss/wd'", 'zq8-p@ss/wd'), "auth failed for '***'")
    assert.equal(maskSecret('connect to mysql://u:zq8-p%40ss%2Fwd@h/d', 'zq8-p@ss/wd'), 'connect to mysql://u:***@h/d')
    assert.equal(maskSecret('near zq8-p%40ss%2Fwd and zq8-p@ss/wd', 'zq8-p@ss/wd'), 'near *** and ***')
  })

  it('masks URL passwords with no secret given', () => {
    assert.equal(maskSecret('failed postgresql://u:kx7-secret@h/d', undefined), 'failed postgresql://u:***@h/d')
  })

  it('leaves a secret shorter than 3 characters alone outside URLs (it would mask ordinary words)', () => {
    assert.equal(maskSecret('relation "tab" does not exist', 'ab'), 'relation "tab" does not exist')
    assert.equal(maskSecret('failed mysql://u:ab@h/d', 'ab'), 'failed mysql://u:***@h/d')
  })
})
