import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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
    // A misspelled key is refused, not ignored (strata would use the default folder and say nothing).
    const typo = write('typo.config.ts', `export default { schema: 's.ts', migrashuns: './db' }\n`)
    await assert.rejects(loadConfig({ configPath: typo }), /invalid config .*typo\.config\.ts: unknown key 'migrashuns' \(the keys are url, schema, migrations, /)
  })

  it('loads every shape of config: plain with or without defineConfig, typed, top-level await, other imports', async () => {
    const shapes: Record<string, string> = {
      'plain-define.config.ts': `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({\n  url: 'sqlite::memory:',\n  schema: './a.ts',\n})\n`,
      'plain-env.config.ts': `const table = process.env.NO_SUCH_STRATA_VAR ?? 'plain_env'\nexport default { url: 'sqlite::memory:', schema: './a.ts', versionTable: table }\n`,
      'typed.config.ts': `import { defineConfig } from 'strata-db'\nconst table: string = 'typed'\nexport default defineConfig({ url: 'sqlite::memory:', schema: './a.ts', versionTable: table })\n`,
      'await.config.ts': `const table = await Promise.resolve('awaited')\nexport default { url: 'sqlite::memory:', schema: './a.ts', versionTable: table }\n`,
      'imports.config.ts': `import { join } from 'node:path'\nexport default { url: 'sqlite::memory:', schema: join('.', 'a.ts'), versionTable: 'imported' }\n`,
    }
    // The typed config imports strata-db through jiti, from the project's node_modules.
    mkdirSync(join(dir, 'node_modules'), { recursive: true })
    symlinkSync(fileURLToPath(new URL('../../..', import.meta.url)), join(dir, 'node_modules', 'strata-db'))
    const expected: Record<string, string> = {
      'plain-define.config.ts': 'strata_version',
      'plain-env.config.ts': 'plain_env',
      'typed.config.ts': 'typed',
      'await.config.ts': 'awaited',
      'imports.config.ts': 'imported',
    }
    for (const [name, text] of Object.entries(shapes)) {
      const config = await loadConfig({ configPath: write(name, text) })
      assert.equal(config.versionTable, expected[name], name)
      assert.deepEqual(config.schemaPatterns, [join(dir, 'a.ts')], name)
    }
    // A plain config that throws while it runs: the error is the config's own, not a fallback's.
    const throwing = write('throws.config.ts', `export default { url: 'sqlite::memory:', schema: missingName }\n`)
    await assert.rejects(loadConfig({ configPath: throwing }), /cannot load config .*throws\.config\.ts.*missingName is not defined/)
  })
})
