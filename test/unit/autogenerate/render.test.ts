import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderOperations } from '../../../src/autogenerate/render.js'
import { sqlTemplate, stringLiteral, ImportSet } from '../../../src/autogenerate/render-values.js'
import {
  AddCheckOp,
  AddColumnOp,
  AddEnumValueOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  AlterColumnOp,
  AlterEnumOp,
  type AnyOperation,
  BulkInsertOp,
  CreateEnumOp,
  CreateIndexOp,
  CreateSchemaOp,
  CreateTableOp,
  DropCheckOp,
  DropColumnOp,
  DropEnumOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropSchemaOp,
  DropTableOp,
  DropUniqueOp,
  ExecuteOp,
  RenameColumnOp,
  RenameConstraintOp,
  RenameEnumValueOp,
  RenameTableOp,
  SetTableCommentOp,
} from '../../../src/operations/index.js'
import { bigint, bytes, char, customType, date, double, integer, json, jsonb, numeric, real, smallint, text, time, timestamp, uuid, varchar, boolean } from '../../../src/schema/columns.js'
import { check, foreignKey, index, primaryKey, unique, uniqueIndex } from '../../../src/schema/extras.js'
import { emptySchema, type TableModel } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { assertRenderRoundTrip, compare, enumeration, model, runRendered, sql } from './support.js'

const tricky = "it's a \"quote\" \\ with `ticks` ${not} and\nnew line\u2028"

function auditing(): TableModel {
  return model(
    table('auditing', {
      id: integer().primaryKey(),
      createdDate: timestamp('created_date'),
      description: text(),
    }),
  ).tables[0]!
}

function complexTable(): TableModel {
  const mood = enumeration('mood', ['happy', "it's"], { schema: 'app' })
  return model(
    table(
      'every thing',
      {
        id: bigint().autoincrement('always'),
        code: char({ length: 3 }).notNull(),
        small: smallint().default(-1),
        flag: boolean().default(false),
        ratio: real(),
        score: double().default(1.5),
        price: numeric({ precision: 10, scale: 2 }),
        plain: numeric(),
        born: date(),
        wakes: time({ withTimezone: true, precision: 3 }),
        stamp: timestamp({ precision: 6 }).default(sql`now()`),
        data: json(),
        doc: jsonb().comment(tricky),
        token: uuid(),
        blob: bytes(),
        name: varchar({ length: 100 }).default(tricky),
        free: varchar(),
        vector: customType('tsvector'),
        feeling: mood(),
        'Mixed Case': text(),
        ['__proto__']: text(),
      },
      (t) => [
        primaryKey({ name: 'pk_every', columns: [t.id, t.code] }),
        foreignKey({ name: 'fk_every_parent', columns: [t.small], references: { table: 'parents', columns: ['id'], schema: 'app' }, onDelete: 'set null', onUpdate: 'cascade', deferrable: 'initially deferred' }),
        unique('uq_every_name').on(t.name, t.born),
        check('ck_every', sql`score > 0 AND name <> '${tricky}'`),
        index('ix_every_lower').on(t.name, sql`lower(name)`).where(sql`flag`),
        uniqueIndex('ux_every_token').on(t.token),
      ],
      { schema: 'app', comment: tricky },
    ),
  ).tables[0]!
}

/** One of every operation kind, with every option the op API can carry. */
function everyOperation(): AnyOperation[] {
  const column = { name: 'summary', type: { kind: 'varchar' as const, length: 50 }, nullable: false, default: { kind: 'literal' as const, value: 'x' }, comment: 'c' }
  const usages = [{ table: 'people', schema: 'app', column: 'feeling' }]
  return [
    new CreateSchemaOp('app'),
    new CreateEnumOp({ name: 'mood', schema: 'app', values: ['happy', 'sad'] }),
    new RenameConstraintOp('people', 'fk_people_user_id_users', 'fk_people_user_id_members', 'foreignKey', 'app'),
    new RenameConstraintOp('people', 'ix_people_user_id', 'ix_people_member_id', 'index'),
    new AddEnumValueOp('mood', 'meh', { after: 'happy' }, ['happy', 'sad'], usages, 'app'),
    new AddEnumValueOp('mood', 'calm', { before: 'happy' }, ['happy', 'meh', 'sad']),
    new RenameEnumValueOp('mood', 'sad', 'blue', ['happy', 'sad'], usages, 'app'),
    new AlterEnumOp('mood', ['happy'], ['happy', 'blue'], { happy: 'glad' }, usages, 'app'),
    new CreateTableOp(auditing()),
    new CreateTableOp(complexTable()),
    new RenameTableOp('old', 'new', 'app'),
    new SetTableCommentOp('t', tricky, null, 'app'),
    new SetTableCommentOp('t', null, 'before'),
    new AddColumnOp('packages', column, 'app'),
    new AddColumnOp('packages', { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true }),
    new RenameColumnOp('packages', 'a', 'b', 'app'),
    new AlterColumnOp(
      'packages',
      'summary',
      { type: { kind: 'text' }, nullable: true, default: { kind: 'sql', sql: 'now()' }, comment: null, autoincrement: 'by-default' },
      { type: { kind: 'varchar', length: 50 }, nullable: false, default: null, comment: 'c', autoincrement: false },
      'app',
      'summary::text',
    ),
    new AlterColumnOp('t', 'e', { type: { kind: 'enum', name: 'mood', values: ['a'], schema: 'app' } }, { type: { kind: 'text' } }),
    new CreateIndexOp('t', { name: 'ix_t', elements: ['a', { expression: 'lower(`b`)' }], unique: true, where: 'a > 0' }, 'app'),
    new CreateIndexOp('t', { name: 'ix_t2', elements: ['a'], unique: false }),
    new AddUniqueOp('t', { name: 'uq_t', columns: ['a', 'b'] }, 'app'),
    new AddCheckOp('t', { name: 'ck_t', expression: 'a > 0' }),
    new AddForeignKeyOp('t', { name: 'fk_t', columns: ['u_id'], referencedTable: 'users', referencedSchema: 'auth', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action', deferrable: true }, 'app'),
    new AddForeignKeyOp('t', { name: 'fk_t2', columns: ['u_id'], referencedTable: 'users', referencedColumns: ['id'] }),
    new AddPrimaryKeyOp('t', { name: 'pk_t', columns: ['a', 'b'] }, 'app'),
    new DropPrimaryKeyOp('t', 'app', { name: 'pk_t', columns: ['a'] }),
    new DropForeignKeyOp('t', 'fk_t', 'app', { name: 'fk_t', columns: ['u_id'], referencedTable: 'users', referencedColumns: ['id'] }),
    new DropCheckOp('t', 'ck_t', null, { name: 'ck_t', expression: 'a > 0' }),
    new DropUniqueOp('t', 'uq_t', 'app', { name: 'uq_t', columns: ['a'] }),
    new DropIndexOp('t', 'ix_t', null, { name: 'ix_t', elements: ['a'], unique: false }),
    new DropColumnOp('packages', 'summary', 'app', column),
    new DropTableOp('auditing', null, auditing()),
    new DropEnumOp('mood', 'app', { name: 'mood', schema: 'app', values: ['happy'] }),
    new DropSchemaOp('old'),
  ]
}

describe('render', () => {
  it('renders a new table like the hand-written example', () => {
    const { upgrade, downgrade, imports } = renderOperations([new CreateTableOp(auditing())])
    assert.equal(
      upgrade,
      [
        "  await op.createTable('auditing', {",
        '    id: integer().primaryKey(),',
        '    created_date: timestamp(),',
        '    description: text(),',
        '  })',
      ].join('\n'),
    )
    assert.equal(downgrade, ["  // ! drops table 'auditing' (data loss) [drop-table]", "  await op.dropTable('auditing')"].join('\n'))
    assert.deepEqual(imports, ['integer', 'text', 'timestamp'])
  })

  it('renders a table with extras and options, every argument on its own line', () => {
    const { upgrade } = renderOperations([new CreateTableOp(complexTable())])
    const lines = upgrade.split('\n')
    assert.equal(lines[0], '  await op.createTable(')
    assert.equal(lines[1], "    'every thing',")
    assert.equal(lines[2], '    {')
    assert.ok(lines.includes("      id: bigint().notNull().autoincrement('always'),"), upgrade)
    assert.ok(lines.includes("      feeling: enumeration('mood', ['happy', \"it's\"], { schema: 'app' })(),"), upgrade)
    assert.ok(lines.includes("      'Mixed Case': text(),"), upgrade)
    assert.ok(lines.includes("      ['__proto__']: text(),"), upgrade)
    assert.ok(lines.includes("      primaryKey({ name: 'pk_every', columns: ['id', 'code'] }),"), upgrade)
    assert.ok(lines.includes("      index('ix_every_lower').on('name', sql`lower(name)`).where(sql`flag`),"), upgrade)
    assert.ok(lines.every((l) => l.length <= 120), 'fits the print width')
  })

  it('renders small operations on one line, with options only when needed', () => {
    const { upgrade, imports } = renderOperations([
      new AddColumnOp('packages', { name: 'last_updated', type: { kind: 'timestamp' }, nullable: true }),
      new RenameTableOp('a', 'b'),
      new CreateIndexOp('packages', { name: 'ix_p', elements: ['a', { expression: 'lower(b)' }], unique: false, where: 'a > 0' }, 'app'),
      new DropColumnOp('packages', 'summary', null, { name: 'summary', type: { kind: 'text' }, nullable: true }),
    ])
    assert.equal(
      upgrade,
      [
        "  await op.addColumn('packages', 'last_updated', timestamp())",
        "  // ! renames table 'a' to 'b' (the running application's queries fail until it is redeployed) [rename-table]",
        "  await op.renameTable('a', 'b')",
        // No dialect given: the index lock comment is PostgreSQL's and MySQL's, not every dialect's.
        "  await op.createIndex('ix_p', 'packages', ['a', sql`lower(b)`], { where: sql`a > 0`, schema: 'app' })",
        "  // ! drops column 'packages.summary' (data loss) [drop-column]",
        "  await op.dropColumn('packages', 'summary')",
      ].join('\n'),
    )
    // The downgrade re-adds the dropped text column: imports cover both bodies.
    assert.deepEqual(imports, ['sql', 'text', 'timestamp'])
  })

  it('hugs a trailing options object when a call is too long', () => {
    const op = new AlterColumnOp(
      'packages',
      'summary',
      { type: { kind: 'varchar', length: 200 } },
      { type: { kind: 'varchar', length: 100 }, nullable: true, default: null, comment: 'The summary of the package', autoincrement: false },
    )
    const { upgrade } = renderOperations([op])
    assert.equal(
      upgrade,
      [
        "  await op.alterColumn('packages', 'summary', {",
        '    type: varchar({ length: 200 }),',
        '    existingType: varchar({ length: 100 }),',
        '    existingNullable: true,',
        "    existingComment: 'The summary of the package',",
        '  })',
      ].join('\n'),
    )
  })

  it('breaks a long column chain one call per line', () => {
    const comment = 'A long comment that explains what this column is for, so that the chain cannot fit on a line'
    const op = new AddColumnOp('packages', { name: 'summary', type: { kind: 'text' }, nullable: false, default: { kind: 'literal', value: '' }, comment })
    const { upgrade } = renderOperations([op])
    assert.equal(
      upgrade,
      [
        "  await op.addColumn(",
        "    'packages',",
        "    'summary',",
        '    text()',
        '      .notNull()',
        "      .default('')",
        `      .comment('${comment}'),`,
        '  )',
      ].join('\n'),
    )
  })

  it('escapes strings and sql templates so that they evaluate to the original text', () => {
    const imports = new ImportSet()
    const literal = stringLiteral(tricky)
    assert.equal(new Function(`return ${literal}`)(), tricky)
    assert.ok(!literal.includes('\n'))
    assert.equal(stringLiteral("it's"), '"it\'s"')
    assert.equal(stringLiteral('plain'), "'plain'")
    const template = sqlTemplate(tricky, imports)
    assert.ok(!template.includes('\n'))
    assert.equal(new Function('sql', `return ${template}`)(sql).text, tricky)
    assert.deepEqual(imports.list(), ['sql'])
  })

  it('writes "no changes" for an empty list', () => {
    assert.deepEqual(renderOperations([]), { upgrade: '  // no changes', downgrade: '  // no changes', imports: [] })
  })

  it('puts a warning comment above each destructive operation, both ways', () => {
    const rendered = renderOperations([new AddColumnOp('t', { name: 'c', type: { kind: 'text' }, nullable: true })])
    assert.equal(rendered.upgrade, "  await op.addColumn('t', 'c', text())")
    assert.equal(rendered.downgrade, "  // ! drops column 't.c' (data loss) [drop-column]\n  await op.dropColumn('t', 'c')")
  })

  it('makes the downgrade throw when an operation cannot be reversed', async () => {
    const rendered = renderOperations([new ExecuteOp('UPDATE t SET a = 1'), new AddColumnOp('t', { name: 'c', type: { kind: 'text' }, nullable: true })])
    assert.match(rendered.downgrade, /^ {2}throw new Error\('downgrade not written: execute\(\) cannot be reversed: no reverse SQL was given'\)/)
    assert.match(rendered.downgrade, /\/\/ ! cannot reverse: execute\(\) cannot be reversed/)
    await assert.rejects(runRendered(rendered.downgrade, rendered.imports), /downgrade not written/)
  })

  it('round-trips every operation kind through the op API, and its reverse', async () => {
    const { imports } = await assertRenderRoundTrip(everyOperation())
    assert.deepEqual(imports, [
      'bigint', 'boolean', 'bytes', 'char', 'check', 'customType', 'date', 'double', 'enumeration', 'foreignKey', 'index', 'integer', 'json',
      'jsonb', 'numeric', 'primaryKey', 'real', 'smallint', 'sql', 'text', 'time', 'timestamp', 'unique', 'uniqueIndex', 'uuid', 'varchar',
    ])
  })

  it('round-trips raw SQL and rows', async () => {
    const rows = [{ id: 1, name: tricky, at: new Date('2024-01-02T03:04:05.000Z'), big: 12n, raw: Buffer.from('ab', 'hex'), meta: { a: [1, null] }, off: false, none: null }]
    const ops: AnyOperation[] = [new ExecuteOp("UPDATE t SET a = 'x'", 'UPDATE t SET a = NULL'), new BulkInsertOp('t', rows, 'app')]
    const rendered = renderOperations(ops)
    const recorded = await runRendered(rendered.upgrade, rendered.imports)
    assert.deepEqual(recorded, ops)
  })

  it('round-trips what compare detects, in both directions', async () => {
    const target = model(
      enumeration('mood', ['a', 'b']),
      table('users', { id: integer().primaryKey(), email: text().notNull().unique() }),
      table('posts', { id: integer().primaryKey(), userId: integer('user_id').references('users.id') }, (t) => [index('ix_posts_user').on(t.userId)]),
    )
    const changes = await compare(target, emptySchema())
    await assertRenderRoundTrip(changes.map((c) => c.operation))
    const removal = await compare(emptySchema(), target)
    await assertRenderRoundTrip(removal.map((c) => c.operation))
  })

  it('accepts detected changes as well as operations', () => {
    const op = new RenameColumnOp('t', 'a', 'b')
    assert.deepEqual(renderOperations([{ operation: op, message: op.describe(), warning: null, marks: [] }]), renderOperations([op]))
  })

  it('adds an enum value used later in the migration outside the transaction, and only then, whatever the dialect', () => {
    const add = (value: string, after: string) => new AddEnumValueOp('tier', value, { after }, ['free'], [], null)
    const column = new AddColumnOp('plans', { name: 'seats', type: { kind: 'enum', name: 'tier', values: ['free', 'team', 'max'] }, nullable: false, default: { kind: 'literal', value: 'team' } })
    const used = renderOperations([add('team', 'free'), add('max', 'team'), column], { dialect: 'postgres' }).upgrade
    assert.equal(
      used.split('\n').slice(0, 4).join('\n'),
      [
        '  // PostgreSQL cannot use an enum value in the transaction that adds it: these run outside it.',
        '  await op.autocommit(async () => {',
        "    await op.addEnumValue('tier', 'team', { after: 'free', existing: ['free'] })",
        '  })',
      ].join('\n'),
    )
    assert.match(used, /\n {2}await op\.addEnumValue\('tier', 'max'/, "'max' is not used: it stays in the transaction")
    // The same code everywhere; only the lint marks above the calls say what each dialect's server will do.
    const code = (text: string) => text.split('\n').filter((line) => !/^\s*\/\/ (lock:|!)/.test(line)).join('\n')
    for (const dialect of ['sqlite', 'mysql'] as const) assert.equal(code(renderOperations([add('team', 'free'), add('max', 'team'), column], { dialect }).upgrade), code(used))
    assert.doesNotMatch(renderOperations([add('team', 'free'), add('max', 'team')]).upgrade, /autocommit/, 'values nothing uses stay in the transaction')
  })
})
