import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { databaseUrl, loadConfig } from '../../../src/config/load-config.js'

describe('config loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-config-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }

  it('loads strata.config.ts and resolves paths from its folder', async () => {
    write('strata.config.ts', `export default { url: 'sqlite:///./db/app.sqlite', schema: './schema.ts', migrations: './mig' }\n`)
    const config = await loadConfig({ cwd: dir })
    assert.equal(config.versionsDir, join(dir, 'mig', 'versions'))
    assert.deepEqual(config.schemaPatterns, [join(dir, 'schema.ts')])
    assert.equal(config.versionTable, 'strata_version')
    assert.equal(databaseUrl(config).filename, join(dir, 'db', 'app.sqlite'))
  })

  it('falls back to DATABASE_URL when the config has no url', async () => {
    const file = write('no-url.config.ts', `export default { schema: './schema.ts' }\n`)
    const saved = process.env.DATABASE_URL
    process.env.DATABASE_URL = 'postgresql://u:secret@h/d'
    try {
      const config = await loadConfig({ configPath: file })
      assert.equal(databaseUrl(config).dialect, 'postgres')
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = saved
    }
    const config = await loadConfig({ configPath: file })
    if (!process.env.DATABASE_URL) assert.throws(() => databaseUrl(config), /no database URL: set 'url'/)
  })

  it('honours STRATA_CONFIG', async () => {
    const file = write('other.config.ts', `export default { url: 'sqlite::memory:', schema: './s.ts', versionTable: 'alembic_version' }\n`)
    process.env.STRATA_CONFIG = file
    try {
      assert.equal((await loadConfig({ cwd: '/' })).versionTable, 'alembic_version')
    } finally {
      delete process.env.STRATA_CONFIG
    }
  })

  it('explains a missing, broken or invalid config in one line', async () => {
    await assert.rejects(loadConfig({ cwd: join(dir, 'nowhere') }), /no strata.config.ts in .*strata init/)
    await assert.rejects(loadConfig({ configPath: join(dir, 'missing.ts') }), /config file not found/)
    const broken = write('broken.config.ts', `export default {{ nope\n`)
    await assert.rejects(loadConfig({ configPath: broken }), /cannot load config .*broken\.config\.ts/)
    const invalid = write('invalid.config.ts', `export default { url: 'sqlite::memory:' }\n`)
    await assert.rejects(loadConfig({ configPath: invalid }), /'schema' is required/)
    const mode = write('mode.config.ts', `export default { schema: 's.ts', transactionMode: 'sometimes' }\n`)
    await assert.rejects(loadConfig({ configPath: mode }), /'transactionMode' must be/)
  })
})
