/** Pure pieces of the MySQL dialect: type mapping, default/expression normalisation, quoting, offline SQL. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { parseServerVersion } from '../../../src/dialects/mysql/mysql-driver.js'
import { reflectDefault } from '../../../src/dialects/mysql/mysql-introspector.js'
import { canonicalMysqlType, mysqlColumnType, mysqlTypeSql } from '../../../src/dialects/mysql/mysql-types.js'
import {
  AddCheckOp,
  AddColumnOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  AlterColumnOp,
  CreateIndexOp,
  CreateTableOp,
  DropCheckOp,
  DropColumnOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropUniqueOp,
  RenameColumnOp,
  RenameTableOp,
  SetTableCommentOp,
} from '../../../src/operations/index.js'
import type { ColumnType, SchemaModel, TableModel } from '../../../src/schema/model.js'
import { offlineContext } from './helpers.js'

const { normalizeDefault: nd, normalizeExpression: ne } = mysqlDialect
const MARIADB = parseServerVersion('10.11.19-MariaDB')
const MYSQL8 = parseServerVersion('8.0.36')

describe('mysql types', () => {
  const portable: ColumnType[] = [
    { kind: 'smallint' },
    { kind: 'integer' },
    { kind: 'bigint' },
    { kind: 'varchar', length: 12 },
    { kind: 'varchar' },
    { kind: 'char', length: 3 },
    { kind: 'text' },
    { kind: 'boolean' },
    { kind: 'real' },
    { kind: 'double' },
    { kind: 'numeric', precision: 9, scale: 3 },
    { kind: 'numeric', precision: 9 },
    { kind: 'numeric' },
    { kind: 'date' },
    { kind: 'time', withTimezone: true, precision: 3 },
    { kind: 'timestamp' },
    { kind: 'timestamp', withTimezone: true, precision: 6 },
    { kind: 'json' },
    { kind: 'jsonb' },
    { kind: 'uuid' },
    { kind: 'bytes' },
    { kind: 'enum', name: 'mood', values: ['a', "it's"], schema: 'x' },
    { kind: 'raw', sql: 'MEDIUMINT(8) UNSIGNED' },
  ]

  it('reflecting the SQL of a type gives its canonical form', () => {
    for (const type of portable) assert.deepEqual(mysqlColumnType(mysqlTypeSql(type).toLowerCase()), canonicalMysqlType(type), mysqlTypeSql(type))
  })

  it('chooses the documented native types', () => {
    assert.equal(mysqlTypeSql({ kind: 'timestamp', withTimezone: true, precision: 3 }), 'DATETIME(3)')
    assert.equal(mysqlTypeSql({ kind: 'varchar' }), 'VARCHAR(255)')
    assert.equal(mysqlTypeSql({ kind: 'uuid' }), 'CHAR(36)')
    assert.equal(mysqlTypeSql({ kind: 'bytes' }), 'LONGBLOB')
    assert.equal(mysqlTypeSql({ kind: 'boolean' }), 'TINYINT(1)')
    assert.equal(mysqlTypeSql({ kind: 'real' }), 'FLOAT')
    assert.equal(mysqlTypeSql({ kind: 'jsonb' }), 'JSON')
    assert.equal(mysqlTypeSql({ kind: 'enum', name: 'm', values: ['a', "b'c"] }), "ENUM('a','b''c')")
  })

  it('reads MariaDB and MySQL 8 spellings alike', () => {
    assert.deepEqual(mysqlColumnType('int(11)'), { kind: 'integer' })
    assert.deepEqual(mysqlColumnType('int'), { kind: 'integer' })
    assert.deepEqual(mysqlColumnType('tinyint(1)'), { kind: 'boolean' })
    assert.deepEqual(mysqlColumnType('tinyint(4)'), { kind: 'raw', sql: 'tinyint' })
    assert.deepEqual(mysqlColumnType('int(10) unsigned'), { kind: 'raw', sql: 'int unsigned' })
    assert.deepEqual(mysqlColumnType('int unsigned'), { kind: 'raw', sql: 'int unsigned' })
    assert.deepEqual(mysqlColumnType('char(36)'), { kind: 'char', length: 36 })
    // A native TIMESTAMP is a timestamp declared with mysqlType 'timestamp' (issue 12), not a raw type.
    assert.deepEqual(mysqlColumnType('timestamp(3)'), { kind: 'timestamp', precision: 3, mysqlType: 'timestamp' })
    assert.deepEqual(mysqlColumnType("enum('x','it''s')"), { kind: 'enum', name: '', values: ['x', "it's"] })
    assert.deepEqual(mysqlColumnType("set('a','b')"), { kind: 'raw', sql: "set('a','b')" })
    assert.deepEqual(mysqlColumnType('float(7,4)'), { kind: 'raw', sql: 'float(7,4)' })
  })
})

describe('mysql default normalisation', () => {
  const int = { type: { kind: 'integer' } as ColumnType }
  const bool = { type: { kind: 'boolean' } as ColumnType }
  const str = { type: { kind: 'varchar', length: 10 } as ColumnType }
  const dt3 = { type: { kind: 'timestamp', precision: 3 } as ColumnType }
  const dec = { type: { kind: 'numeric', precision: 10, scale: 2 } as ColumnType }

  it('spells equal defaults alike', () => {
    assert.equal(nd({ kind: 'literal', value: true }, bool), nd({ kind: 'literal', value: true }, bool))
    assert.equal(nd({ kind: 'literal', value: true }, bool), nd({ kind: 'sql', sql: 'TRUE' }, bool))
    assert.equal(nd({ kind: 'literal', value: true }, bool), '1')
    assert.equal(nd({ kind: 'literal', value: '1.50' }, dec), nd({ kind: 'literal', value: 1.5 }, dec))
    assert.equal(nd({ kind: 'sql', sql: '(5)' }, int), nd({ kind: 'literal', value: 5 }, int))
    assert.equal(nd({ kind: 'sql', sql: "'abc'" }, str), nd({ kind: 'literal', value: 'abc' }, str))
    assert.equal(nd({ kind: 'sql', sql: "_utf8mb4\\'abc\\'" }, str), "'abc'")
    assert.equal(nd({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' }, dt3), nd({ kind: 'sql', sql: 'current_timestamp(3)' }, dt3))
    assert.equal(nd({ kind: 'sql', sql: 'now()' }, { type: { kind: 'timestamp' } }), nd({ kind: 'sql', sql: 'current_timestamp()' }, { type: { kind: 'timestamp' } }))
    assert.equal(nd({ kind: 'literal', value: '2020-01-02' }, { type: { kind: 'timestamp' } }), nd({ kind: 'literal', value: '2020-01-02 00:00:00' }, { type: { kind: 'timestamp' } }))
    assert.equal(nd({ kind: 'literal', value: '2020-01-02T03:04:05Z' }, dt3), nd({ kind: 'literal', value: '2020-01-02 03:04:05.000' }, dt3))
    assert.equal(nd({ kind: 'literal', value: '10:00' }, { type: { kind: 'time', precision: 2 } }), nd({ kind: 'literal', value: '10:00:00.00' }, { type: { kind: 'time', precision: 2 } }))
    assert.equal(nd({ kind: 'sql', sql: 'uuid()' }, str), nd({ kind: 'sql', sql: '(UUID())' }, str))
    assert.equal(nd({ kind: 'sql', sql: 'NULL' }, int), null)
    assert.equal(nd(null, int), null)
  })

  it('keeps different defaults apart', () => {
    assert.notEqual(nd({ kind: 'literal', value: 1 }, int), nd({ kind: 'literal', value: 2 }, int))
    assert.notEqual(nd({ kind: 'literal', value: 'NULL' }, str), nd(null, str))
    assert.notEqual(nd({ kind: 'literal', value: 'abc' }, str), nd({ kind: 'literal', value: 'ABC' }, str))
    assert.notEqual(nd({ kind: 'literal', value: true }, bool), nd({ kind: 'literal', value: false }, bool))
    assert.notEqual(nd({ kind: 'sql', sql: 'uuid()' }, str), nd({ kind: 'literal', value: 'uuid()' }, str))
    assert.notEqual(nd({ kind: 'literal', value: '1.5' }, dec), nd({ kind: 'literal', value: '1.05' }, dec))
  })

  it('reflects COLUMN_DEFAULT as MariaDB and MySQL 8 spell it', () => {
    const text = { kind: 'varchar', length: 10 } as ColumnType
    assert.deepEqual(reflectDefault("'it''s'", '', text, MARIADB), { kind: 'literal', value: "it's" })
    assert.deepEqual(reflectDefault("'a\\\\b'", '', text, MARIADB), { kind: 'literal', value: 'a\\b' })
    assert.equal(reflectDefault('NULL', '', text, MARIADB), null)
    assert.deepEqual(reflectDefault("'NULL'", '', text, MARIADB), { kind: 'literal', value: 'NULL' })
    assert.deepEqual(reflectDefault('current_timestamp()', '', { kind: 'timestamp' }, MARIADB), { kind: 'sql', sql: 'current_timestamp()' })
    assert.deepEqual(reflectDefault('1', '', { kind: 'boolean' }, MARIADB), { kind: 'literal', value: true })
    assert.deepEqual(reflectDefault('abc', '', text, MYSQL8), { kind: 'literal', value: 'abc' })
    assert.deepEqual(reflectDefault('CURRENT_TIMESTAMP', 'DEFAULT_GENERATED', { kind: 'timestamp' }, MYSQL8), { kind: 'sql', sql: 'CURRENT_TIMESTAMP' })
    assert.deepEqual(reflectDefault("_utf8mb4\\'hello\\'", 'DEFAULT_GENERATED', { kind: 'text' }, MYSQL8), { kind: 'literal', value: 'hello' })
    assert.deepEqual(reflectDefault('12345678901234567890.12', '', { kind: 'numeric', precision: 30, scale: 2 }, MYSQL8), { kind: 'literal', value: '12345678901234567890.12' })
  })
})

describe('mysql expression normalisation', () => {
  const same = (a: string, b: string) => assert.equal(ne(a), ne(b), `${a}  vs  ${b}`)

  it('matches what MariaDB stores for what the user wrote', () => {
    same("amt >= 0 AND e IN ('a', 'b') AND flag = TRUE AND length(name) > 0", "`amt` >= 0 and `e` in ('a','b') and `flag` = 1 and octet_length(`name`) > 0")
    same('NOT (x > 5) AND x != -1', '`x` <= 5 and `x` <> -1')
    same("s <> 'a\\\\b''c'", "`s` <> 'a\\\\b\\'c'")
    same('json_valid(j)', 'JSON_VALID(`j`)')
  })

  it("matches MySQL 8's parenthesised, charset-introduced spelling", () => {
    same("a > 0 AND (b > 0 OR c > 0) AND s = 'x'", "((`a` > 0) and ((`b` > 0) or (`c` > 0)) and (`s` = _utf8mb4\\'x\\'))")
    same('x BETWEEN 1 AND 10', '(`x` between 1 and 10)')
  })

  it('keeps different expressions apart', () => {
    assert.notEqual(ne('(a + b) * c'), ne('a + b * c'))
    assert.notEqual(ne('a > 0 OR b > 0 AND c > 0'), ne('(a > 0 OR b > 0) AND c > 0'))
    assert.notEqual(ne("s = 'X'"), ne("s = 'x'"))
    assert.notEqual(ne('a >= 0'), ne('a > 0'))
  })
})

describe('mysql quoting and offline SQL', () => {
  const people: TableModel = {
    name: 'people',
    schema: null,
    columns: [
      { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true },
      { name: 'team_id', type: { kind: 'integer' }, nullable: true, comment: "team's id" },
    ],
    primaryKey: { columns: ['id'] },
    indexes: [{ name: 'ix_people_team', elements: ['team_id'], unique: false }],
    uniques: [],
    foreignKeys: [{ name: 'fk_people_team', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], onDelete: 'cascade' }],
    checks: [],
    comment: null,
  }
  const model: SchemaModel = { tables: [people], enums: [] }
  const compile = (op: Parameters<typeof mysqlDialect.compile>[0]) => mysqlDialect.compile(op, offlineContext(structuredClone(model)))

  it('quotes identifiers and literals', () => {
    assert.equal(mysqlDialect.quoteIdentifier('we`ird name'), '`we``ird name`')
    assert.equal(mysqlDialect.quoteLiteral("it's \\ here"), "'it''s \\\\ here'")
    assert.equal(mysqlDialect.quoteLiteral(null), 'NULL')
    assert.equal(mysqlDialect.quoteLiteral(true), 'TRUE')
    assert.equal(mysqlDialect.quoteLiteral(12n), '12')
    assert.equal(mysqlDialect.quoteLiteral(Buffer.from('hi')), "X'6869'")
    assert.equal(mysqlDialect.quoteLiteral(new Date('2021-02-03T04:05:06.007Z')), "'2021-02-03 04:05:06.007'")
    assert.equal(mysqlDialect.quoteLiteral({ a: "'" }), `'{"a":"''"}'`)
    assert.throws(() => mysqlDialect.quoteLiteral(Number.NaN))
  })

  it('compiles each operation to the documented statement', async () => {
    assert.deepEqual(await compile(new CreateTableOp(people)), [
      "CREATE TABLE `people` (\n  `id` INT NOT NULL AUTO_INCREMENT,\n  `team_id` INT NULL COMMENT 'team''s id',\n  PRIMARY KEY (`id`),\n  CONSTRAINT `fk_people_team` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE\n)",
      'CREATE INDEX `ix_people_team` ON `people` (`team_id`)',
    ])
    assert.deepEqual(await compile(new RenameTableOp('people', 'persons')), ['RENAME TABLE `people` TO `persons`'])
    assert.deepEqual(await compile(new SetTableCommentOp('people', null)), ["ALTER TABLE `people` COMMENT = ''"])
    assert.deepEqual(await compile(new AddColumnOp('people', { name: 'at', type: { kind: 'timestamp', precision: 3 }, nullable: false, default: { kind: 'sql', sql: 'CURRENT_TIMESTAMP' } })), [
      'ALTER TABLE `people` ADD COLUMN `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)',
    ])
    assert.deepEqual(await compile(new AddColumnOp('people', { name: 'bio', type: { kind: 'text' }, nullable: true, default: { kind: 'literal', value: 'n/a' } })), [
      "ALTER TABLE `people` ADD COLUMN `bio` TEXT NULL DEFAULT ('n/a')",
    ])
    // What uses the column goes first (the server refuses to drop a foreign key's column).
    assert.deepEqual(await compile(new DropColumnOp('people', 'team_id')), [
      'ALTER TABLE `people` DROP FOREIGN KEY `fk_people_team`, DROP INDEX `ix_people_team`, DROP COLUMN `team_id`',
    ])
    assert.deepEqual(await compile(new RenameColumnOp('people', 'team_id', 'squad_id')), ['ALTER TABLE `people` RENAME COLUMN `team_id` TO `squad_id`'])
    assert.deepEqual(await compile(new AlterColumnOp('people', 'team_id', { type: { kind: 'bigint' } })), [
      "ALTER TABLE `people` MODIFY COLUMN `team_id` BIGINT NULL COMMENT 'team''s id'",
    ])
    assert.deepEqual(await compile(new CreateIndexOp('people', { name: 'ux', elements: ['team_id', { expression: 'id DESC' }], unique: true })), [
      'CREATE UNIQUE INDEX `ux` ON `people` (`team_id`, `id` DESC)',
    ])
    assert.deepEqual(await compile(new AddUniqueOp('people', { name: 'uq', columns: ['team_id'] })), ['ALTER TABLE `people` ADD UNIQUE KEY `uq` (`team_id`)'])
    assert.deepEqual(await compile(new DropUniqueOp('people', 'uq')), ['ALTER TABLE `people` DROP INDEX `uq`'])
    assert.deepEqual(await compile(new AddCheckOp('people', { name: 'ck', expression: 'id > 0' })), ['ALTER TABLE `people` ADD CONSTRAINT `ck` CHECK (id > 0)'])
    assert.deepEqual(await compile(new DropCheckOp('people', 'ck')), ['ALTER TABLE `people` DROP CONSTRAINT `ck`'])
    assert.deepEqual(await compile(new AddForeignKeyOp('people', { name: 'fk', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], deferrable: true })), [
      'ALTER TABLE `people` ADD CONSTRAINT `fk` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`)',
    ])
    assert.deepEqual(await compile(new AddPrimaryKeyOp('people', { columns: ['id', 'team_id'] })), ['ALTER TABLE `people` ADD PRIMARY KEY (`id`, `team_id`)'])
  })

  it('keeps foreign keys served when dropping their index, offline too', async () => {
    // ix_people_team is the only index fk_people_team can use: a replacement goes in first.
    assert.deepEqual(await compile(new DropIndexOp('people', 'ix_people_team')), [
      'ALTER TABLE `people` ADD INDEX `fk_people_team` (`team_id`), DROP INDEX `ix_people_team`',
    ])
    // An index covers the key: the server made no backing index, so none is dropped with the key.
    assert.deepEqual(await compile(new DropForeignKeyOp('people', 'fk_people_team')), ['ALTER TABLE `people` DROP FOREIGN KEY `fk_people_team`'])
    const bare = structuredClone(model)
    bare.tables[0]!.indexes = []
    assert.deepEqual(await mysqlDialect.compile(new DropForeignKeyOp('people', 'fk_people_team'), offlineContext(bare)), [
      'ALTER TABLE `people` DROP FOREIGN KEY `fk_people_team`, DROP INDEX `fk_people_team`',
    ])
    await assert.rejects(compile(new DropPrimaryKeyOp('people')), /AUTO_INCREMENT/)
  })

  it('rejects what MySQL cannot do, naming the object', async () => {
    await assert.rejects(compile(new CreateIndexOp('people', { name: 'ix_p', elements: ['id'], unique: false, where: 'id > 0' })), /index 'ix_p'.*partial/)
    await assert.rejects(compile(new AddForeignKeyOp('people', { name: 'fk_sd', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], onDelete: 'set default' })), /fk_sd.*SET DEFAULT/)
    await assert.rejects(compile(new AddCheckOp('people', { name: 'c'.repeat(65), expression: '1' })), /check constraint name 'c{65}' is 65 characters/)
  })
})
