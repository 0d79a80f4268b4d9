/**
 * Extensions and row-level security, A → B → A. PostgreSQL: an extension, `rls: true` and a policy; after upgrade a
 * non-owner role (created here, dropped after) sees only its rows, after downgrade all of them; a changed policy is
 * detected exactly. MySQL and SQLite have neither: the same declarations are ignored (nothing detected).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, it } from 'node:test'
import pg from 'pg'
import { CycleRunner } from '../support/autogen-cycle.js'
import { PG_ADMIN_URL, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, policy, extension, sql } from 'strata-db'\n`

function docs(rls: boolean): string {
  return `export const docs = table('docs', { id: integer().primaryKey(), owner: varchar({ length: 63 }).notNull(), body: varchar({ length: 100 }) }${rls ? ', { rls: true }' : ''})\n`
}

describeEachDialect('extensions and row-level security', ({ dialect, db }) => {
  let runner: CycleRunner
  const role = `strata_rls_${randomBytes(4).toString('hex')}`
  const ownerOnly = (using: string) => `export const ownerOnly = policy('owner_only', { table: docs, for: 'select', to: ['${role}'], using: sql\`${using}\` })\n`
  const crypto = "export const crypto = extension('pgcrypto')\n"

  before(async () => {
    runner = new CycleRunner(dialect, db(), 'policies')
    if (dialect === 'postgres') await rawQuery(runner.db, `CREATE ROLE ${role} LOGIN`)
  })
  after(async () => {
    runner?.remove()
    if (dialect !== 'postgres') return
    // The test database may be gone by now (its grants with it): the role is dropped from the admin database.
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
    await admin.connect()
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`)
    } finally {
      await admin.end()
    }
  })

  /** The owners of the rows `role` can read. */
  async function visibleOwners(): Promise<string[]> {
    const client = new pg.Client({ connectionString: runner.db.url })
    await client.connect()
    try {
      await client.query(`GRANT SELECT ON docs TO ${role}`)
      await client.query(`SET ROLE ${role}`)
      return (await client.query<{ owner: string }>('SELECT owner FROM docs ORDER BY id')).rows.map((r) => r.owner)
    } finally {
      await client.end()
    }
  }

  const seed = [`INSERT INTO docs (id, owner, body) VALUES (1, '${role}', 'mine'), (2, 'someone_else', 'theirs')`]

  if (dialect !== 'postgres') {
    it('ignores extensions, rls and policies (PostgreSQL only): nothing detected', async () => {
      await runner.run({ name: 'ignored', a: IMPORTS + docs(false), b: IMPORTS + docs(true) + ownerOnly('owner = current_user') + crypto, detected: [] })
    })
    return
  }

  it('adds an extension, row-level security and a policy: the role sees only its rows; downgrade shows all again', async () => {
    await runner.run({
      name: 'added',
      a: IMPORTS + docs(false),
      b: IMPORTS + docs(true) + ownerOnly('owner = current_user') + crypto,
      seed,
      detected: ["added extension 'pgcrypto'", "enabled row-level security on 'docs'", "added policy 'owner_only' on 'docs'"],
      atB: async () => {
        assert.deepEqual(await visibleOwners(), [role])
        const [hash] = await rawQuery<{ h: string }>(runner.db, "SELECT encode(digest('a', 'sha1'), 'hex') AS h")
        assert.equal(hash!.h, '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8')
      },
      atA: async () => {
        assert.deepEqual(await visibleOwners(), [role, 'someone_else'])
        assert.deepEqual(await rawQuery(runner.db, "SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'"), [])
      },
    })
  })

  it('detects a changed policy (and nothing for the same one spelled another way); rows follow', async () => {
    const a = IMPORTS + docs(true) + ownerOnly('owner = current_user')
    await runner.run({ name: 'spelled', a, b: IMPORTS + docs(true) + ownerOnly('OWNER  =  CURRENT_USER'), detected: [] })
    await runner.run({
      name: 'changed',
      a,
      b: IMPORTS + docs(true) + ownerOnly("owner = current_user or body = 'theirs'"),
      seed,
      detected: ["changed policy 'owner_only' on 'docs'"],
      atB: async () => assert.deepEqual(await visibleOwners(), [role, 'someone_else']),
      atA: async () => assert.deepEqual(await visibleOwners(), [role]),
    })
  })
}, { needsServer: 'roles and row-level security' })
