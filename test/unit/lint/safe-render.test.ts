/** `safe: true` rendering: the zero-downtime forms of operations on existing tables, per dialect. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { renderOperations } from '../../../src/autogenerate/render.js'
import { bigint, integer, text } from '../../../src/index.js'
import { recordOperations } from '../../../src/lint/recorder.js'
import { type Body, existingSchema } from './support.js'

async function render(dialect: 'sqlite' | 'postgres' | 'mysql', body: Body, safe = true) {
  const recorded = await recordOperations(({ op }) => body(op), { dialect })
  return renderOperations(
    recorded.map((r) => r.operation),
    { dialect, model: await existingSchema(dialect), safe },
  )
}

const change: Body = async (op) => {
  await op.createIndex('ix_posts_title', 'posts', ['title'])
  await op.createForeignKey('fk_posts_author', 'posts', ['user_id'], 'users', ['id'])
  await op.createUnique('uq_users_email', 'users', ['email'])
  await op.alterColumn('posts', 'body', { nullable: false, existingNullable: true })
}

describe('safe rendering', () => {
  it('postgres: CONCURRENTLY outside the transaction, NOT VALID + VALIDATE, unique USING INDEX, NOT NULL through a validated check', async () => {
    const { upgrade, downgrade } = await render('postgres', change)
    // In this order (long calls are broken over lines by the printer).
    const expected = [
      "await op.autocommit(async () => {\n    await op.createIndex('ix_posts_title', 'posts', ['title'], { online: true })\n  })",
      "await op.createForeignKey('fk_posts_author', 'posts', ['user_id'], 'users', ['id'], { validate: false })",
      `await op.autocommit(async () => {\n    await op.execute(\n      'ALTER TABLE "posts" VALIDATE CONSTRAINT "fk_posts_author"',`,
      `await op.autocommit(async () => {\n    await op.execute(\n      'CREATE UNIQUE INDEX CONCURRENTLY "uq_users_email" ON "users" ("email")',`,
      `'ALTER TABLE "users" ADD CONSTRAINT "uq_users_email" UNIQUE USING INDEX "uq_users_email"',\n    'ALTER TABLE "users" DROP CONSTRAINT "uq_users_email"',`,
      `await op.createCheck('ck_posts_body_not_null', 'posts', sql\`"body" IS NOT NULL\`, { validate: false })`,
      `await op.autocommit(async () => {\n    await op.execute(\n      'ALTER TABLE "posts" VALIDATE CONSTRAINT "ck_posts_body_not_null"',`,
      "await op.alterColumn('posts', 'body', { nullable: false, existingNullable: true })",
      "await op.dropCheck('ck_posts_body_not_null', 'posts')",
    ]
    let at = 0
    for (const fragment of expected) {
      const found = upgrade.indexOf(fragment, at)
      assert.ok(found >= 0, `missing, or out of order: ${fragment}\n---\n${upgrade}`)
      at = found + fragment.length
    }
    assert.equal(upgrade.match(/CONCURRENTLY and VALIDATE run outside the transaction/g)?.length, 4)
    // Nothing is left to lock: no lock marks, no marks on the NOT VALID constraints.
    assert.doesNotMatch(upgrade, /\[create-index-blocking\]|\[add-foreign-key-validating\]|\[add-check-validating\]/)
    // The downgrade undoes each step; the index comes back as a concurrent drop.
    assert.match(downgrade, /await op\.dropIndex\('ix_posts_title', 'posts', \{ online: true \}\)/)
    assert.match(downgrade, /ALTER TABLE "users" DROP CONSTRAINT "uq_users_email"/)
  })

  it('mysql: the index build and the type change refuse to copy; sqlite: unchanged', async () => {
    const body: Body = async (op) => {
      await op.createIndex('ix_posts_title', 'posts', ['title'])
      await op.alterColumn('users', 'age', { type: bigint(), existingType: integer() })
    }
    const { upgrade } = await render('mysql', body)
    assert.match(upgrade, /await op\.createIndex\('ix_posts_title', 'posts', \['title'\], \{ online: true \}\)/)
    assert.match(upgrade, /await op.alterColumn\('users', 'age', \{ type: bigint\(\), existingType: integer\(\), online: true \}\)/)
    assert.doesNotMatch(upgrade, /autocommit/)
    assert.equal((await render('sqlite', body)).upgrade, (await render('sqlite', body, false)).upgrade)
  })

  it('tables created in the same migration are left in their plain form', async () => {
    const { upgrade } = await render('postgres', async (op) => {
      await op.createTable('fresh', { id: bigint().primaryKey(), note: text() })
      await op.createIndex('ix_fresh_note', 'fresh', ['note'])
    })
    assert.doesNotMatch(upgrade, /online|autocommit/)
  })
})
