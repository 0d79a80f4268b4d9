import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  NotReversibleError,
  RenameColumnOp,
  type AnyOperation,
  integer,
  sql,
  timestamp,
  varchar,
} from '../../../src/index.js'
import { Operations } from '../../../src/internals.js'
import { emptySchema } from '../../../src/schema/model.js'

function recorder() {
  const ops: AnyOperation[] = []
  const sink = {
    run: async (op: AnyOperation) => void ops.push(op),
    query: async () => [],
    setAutocommit: async () => undefined,
  }
  return { ops, op: new Operations(sink) }
}

describe('operations as data', () => {
  it('the op API builds operations in call order, even without await', async () => {
    const { ops, op } = recorder()
    void op.createTable('auditing', { id: integer().primaryKey(), created: timestamp('created_date') })
    void op.addColumn('packages', 'last_updated', timestamp())
    void op.createIndex('ix_a', 'auditing', ['created_date'])
    await op.drain()
    assert.deepEqual(ops.map((o) => o.kind), ['createTable', 'addColumn', 'createIndex'])
    const create = ops[0] as CreateTableOp
    assert.deepEqual(create.table.columns.map((c) => c.name), ['id', 'created_date'])
  })

  it('a failing operation stops the queue and drain reports it', async () => {
    const ops: string[] = []
    const op = new Operations({
      run: async (o: AnyOperation) => {
        if (o.kind === 'addColumn') throw new Error('boom')
        ops.push(o.kind)
      },
      query: async () => [],
      setAutocommit: async () => undefined,
    })
    void op.execute('SELECT 1')
    void op.addColumn('t', 'c', integer())
    void op.execute('SELECT 2')
    await assert.rejects(op.drain(), /boom/)
    assert.deepEqual(ops, ['execute'])
  })

  it('reverse() undoes, and reversing twice gives the original back', () => {
    const add = new AddColumnOp('packages', { name: 'last_updated', type: { kind: 'timestamp' }, nullable: true })
    const drop = add.reverse() as DropColumnOp
    assert.equal(drop.kind, 'dropColumn')
    assert.deepEqual(drop.reverse(), add)
    const alter = new AlterColumnOp('t', 'c', { nullable: false }, { nullable: true, type: { kind: 'integer' } })
    const back = alter.reverse() as AlterColumnOp
    assert.deepEqual(back.changes, { nullable: true })
    assert.deepEqual(back.existing, { nullable: false, type: { kind: 'integer' } })
  })

  it('an operation without the facts to reverse says what is missing', () => {
    assert.throws(() => new DropColumnOp('t', 'c').reverse(), NotReversibleError)
    assert.throws(() => new AlterColumnOp('t', 'c', { nullable: false }).reverse(), /previous nullable is unknown/)
  })

  it('apply() replays operations on a model, renames included', async () => {
    const { ops, op } = recorder()
    await op.createTable('users', { id: integer().primaryKey(), name: varchar({ length: 20 }) })
    await op.createTable('posts', { id: integer().primaryKey(), author: integer().references('users.id') })
    await op.renameColumn('users', 'id', 'user_id')
    await op.alterColumn('users', 'name', { nullable: false, default: sql`'x'` })
    const model = emptySchema()
    for (const o of ops) o.apply(model)
    const users = model.tables.find((t) => t.name === 'users')!
    assert.deepEqual(users.primaryKey?.columns, ['user_id'])
    assert.equal(users.columns[1]!.nullable, false)
    assert.deepEqual(users.columns[1]!.default, { kind: 'sql', sql: "'x'" })
    assert.deepEqual(model.tables.find((t) => t.name === 'posts')!.foreignKeys[0]!.referencedColumns, ['user_id'])
    assert.throws(() => new RenameColumnOp('users', 'nope', 'x').apply(model), /does not exist/)
  })

  it('destructive operations say why', () => {
    assert.match(new DropColumnOp('packages', 'summary').destructive() ?? '', /drops column 'packages.summary' \(data loss\)/)
    assert.equal(new AddColumnOp('t', { name: 'c', type: { kind: 'integer' }, nullable: true }).destructive(), null)
  })
})
