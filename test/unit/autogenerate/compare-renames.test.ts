import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RenameQuestion } from '../../../src/autogenerate/types.js'
import type { AlterColumnOp } from '../../../src/operations/index.js'
import { integer, text, timestamp, varchar } from '../../../src/schema/columns.js'
import { index } from '../../../src/schema/extras.js'
import { table } from '../../../src/schema/table.js'
import { assertRoundTrip, compare, kinds, messages, model, reflect } from './support.js'

const users = (name = 'users', options = {}) => table(name, { id: integer().primaryKey(), email: text() }, options)
const posts = (usersTable: ReturnType<typeof users>) =>
  table('posts', { id: integer().primaryKey(), authorId: integer('author_id').references(() => usersTable.id) })

/** An askRename that records the questions and answers from a list. */
function asker(answers: Record<string, boolean>) {
  const asked: RenameQuestion[] = []
  const ask = async (q: RenameQuestion) => {
    asked.push(q)
    return answers[`${q.table ? `${q.table}:` : ''}${q.from}->${q.to}`] ?? false
  }
  return { asked, ask }
}

describe('compare: renames', () => {
  it('renames a table declared with renamedFrom, then compares the rest of it', async () => {
    const accounts = table('accounts', { id: integer().primaryKey(), email: text().notNull() }, { renamedFrom: 'users' })
    const before = model(users())
    const changes = await assertRoundTrip(model(accounts), before)
    assert.deepEqual(messages(changes), ["renamed table 'users' to 'accounts'", "changed nullability of column 'accounts.email'"])
    assert.equal(changes[0]!.warning, "renames table 'users' to 'accounts' (the running application's queries fail until it is redeployed)")
  })

  it('renames a table from an options hint, qualified or not', async () => {
    const before = model(users())
    const changes0 = await assertRoundTrip(model(users('accounts')), before, { renames: { tables: { users: 'accounts' } } })
    assert.deepEqual(messages(changes0), ["renamed table 'users' to 'accounts'"])
    const inSchema = model(users('users', { schema: 'app' }))
    const changes = await assertRoundTrip(model(users('accounts', { schema: 'app' })), inSchema, { renames: { tables: { 'app.users': 'accounts' } } })
    assert.deepEqual(messages(changes), ["renamed table 'app.users' to 'accounts'"])
  })

  it('keeps foreign keys pointing at a renamed table (no drop + add)', async () => {
    const oldUsers = users()
    const newUsers = table('accounts', { id: integer().primaryKey(), email: text() }, { renamedFrom: 'users' })
    const before = model(oldUsers, posts(oldUsers))
    const after = model(newUsers, table('posts', { id: integer().primaryKey(), authorId: integer('author_id').references(() => newUsers.id, { name: 'fk_posts_author_id_users' }) }))
    assert.deepEqual(messages(await assertRoundTrip(after, before)), ["renamed table 'users' to 'accounts'"])
  })

  it('ignores a table hint whose old name is not in the database (already applied)', async () => {
    const target = model(table('accounts', { id: integer().primaryKey(), email: text() }, { renamedFrom: 'users' }))
    assert.deepEqual(await compare(target, reflect(target)), [])
    assert.deepEqual(await compare(target, reflect(target), { renames: { tables: { users: 'accounts' } } }), [])
  })

  it('without a hint, reports drop + add, and asks when it may', async () => {
    const before = model(users())
    const after = model(users('accounts'))
    const silent = await compare(after, before)
    assert.deepEqual(messages(silent), ["added table 'accounts'", "removed table 'users'"])
    assert.equal(silent[1]!.warning, "drops table 'users' (data loss)")
    const no = asker({})
    assert.deepEqual(kinds(await compare(after, before, { askRename: no.ask })), ['createTable', 'dropTable'])
    assert.deepEqual(no.asked, [{ kind: 'table', from: 'users', to: 'accounts' }])
    const yes = asker({ 'users->accounts': true })
    assert.deepEqual(messages(await assertRoundTrip(after, before, { askRename: yes.ask })), ["renamed table 'users' to 'accounts'"])
  })

  it('asks about tables only within one schema', async () => {
    const before = model(users('users', { schema: 'a' }))
    const after = model(users('accounts', { schema: 'b' }))
    const q = asker({})
    await compare(after, before, { askRename: q.ask })
    assert.deepEqual(q.asked, [])
  })

  it('renames a column declared with renamedFrom, then compares the rest of it', async () => {
    const before = model(table('t', { id: integer(), old: varchar({ length: 10 }) }))
    const after = model(table('t', { id: integer(), fresh: varchar({ length: 20 }).renamedFrom('old') }))
    const changes = await assertRoundTrip(after, before)
    assert.deepEqual(messages(changes), ["renamed column 't.old' to 'fresh'", "changed type of column 't.fresh'"])
    assert.equal((changes[1]!.operation as AlterColumnOp).name, 'fresh')
  })

  it('renames columns from options hints, by the new or the old table name', async () => {
    const before = model(table('t', { id: integer(), old: text() }))
    const after = model(table('t', { id: integer(), fresh: text() }))
    assert.deepEqual(messages(await assertRoundTrip(after, before, { renames: { columns: { 't.old': 'fresh' } } })), ["renamed column 't.old' to 'fresh'"])
    const renamedTable = model(table('u', { id: integer(), fresh: text() }, { renamedFrom: 't' }))
    assert.deepEqual(messages(await assertRoundTrip(renamedTable, before, { renames: { columns: { 't.old': 'fresh' } } })), [
      "renamed table 't' to 'u'",
      "renamed column 'u.old' to 'fresh'",
    ])
    assert.deepEqual(messages(await assertRoundTrip(renamedTable, before, { renames: { columns: { 'u.old': 'fresh' } } })), [
      "renamed table 't' to 'u'",
      "renamed column 'u.old' to 'fresh'",
    ])
  })

  it('ignores a column hint whose old column is gone', async () => {
    const target = model(table('t', { fresh: text().renamedFrom('old') }))
    assert.deepEqual(await compare(target, reflect(target)), [])
  })

  it('keeps indexes on a renamed column (no drop + add)', async () => {
    const before = model(table('t', { old: text() }, (t) => [index('ix_t').on(t.old)]))
    const after = model(table('t', { fresh: text().renamedFrom('old') }, (t) => [index('ix_t').on(t.fresh)]))
    assert.deepEqual(messages(await assertRoundTrip(after, before)), ["renamed column 't.old' to 'fresh'"])
  })

  it('asks about an unhinted column pair only when the types are compatible', async () => {
    const before = model(table('t', { id: integer(), old: varchar({ length: 10 }), gone: integer() }))
    const after = model(table('t', { id: integer(), fresh: text(), when: timestamp() }))
    const no = asker({})
    const changes = await compare(after, before, { askRename: no.ask })
    assert.deepEqual(no.asked, [{ kind: 'column', table: 't', from: 'old', to: 'fresh' }])
    assert.deepEqual(kinds(changes), ['addColumn', 'addColumn', 'dropColumn', 'dropColumn'])
    const yes = asker({ 't:old->fresh': true })
    const renamed = await assertRoundTrip(after, before, { askRename: yes.ask })
    assert.deepEqual(messages(renamed), [
      "renamed column 't.old' to 'fresh'",
      "added column 't.when'",
      "changed type of column 't.fresh'",
      "removed column 't.gone'",
    ])
  })
})
