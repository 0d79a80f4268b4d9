/**
 * Naming presets against databases made by plain SQL with unnamed constraints: a hand-written schema with the
 * server's preset compares clean, and with strata's own convention it does not (so the test can fail).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { compareWithDatabase, resolveConfig } from '../../src/index.js'
import type { NamingPreset } from '../../src/schema/naming.js'
import { linkedProject } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import type { UserProject } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const DDL: Record<TestDialect, string> = {
  postgres: `
    CREATE TABLE customers (id integer PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, region integer, code varchar(10), UNIQUE (region, code));
    CREATE TABLE orders (
      id integer PRIMARY KEY,
      customer_id integer REFERENCES customers (id) ON DELETE CASCADE,
      region integer, code varchar(10),
      FOREIGN KEY (region, code) REFERENCES customers (region, code)
    );
    CREATE INDEX ON orders (customer_id);
    CREATE INDEX ON orders (region, code);
    CREATE TABLE order_lines (order_id integer REFERENCES orders, line integer, PRIMARY KEY (order_id, line));`,
  mysql: `
    CREATE TABLE customers (id int PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, region int, code varchar(10), UNIQUE (region, code));
    CREATE TABLE orders (
      id int PRIMARY KEY,
      customer_id int, region int, code varchar(10),
      FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
      FOREIGN KEY (region, code) REFERENCES customers (region, code),
      INDEX (code)
    );
    CREATE TABLE order_lines (order_id int, line int, PRIMARY KEY (order_id, line), FOREIGN KEY (order_id) REFERENCES orders (id));`,
  sqlite: `
    CREATE TABLE customers (id integer PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, region integer, code varchar(10), UNIQUE (region, code));
    CREATE TABLE orders (
      id integer PRIMARY KEY,
      customer_id integer REFERENCES customers (id) ON DELETE CASCADE,
      region integer, code varchar(10),
      FOREIGN KEY (region, code) REFERENCES customers (region, code)
    );
    CREATE TABLE order_lines (order_id integer NOT NULL REFERENCES orders, line integer NOT NULL, PRIMARY KEY (order_id, line));`,
}

// Indexes need a name in SQL on SQLite; PostgreSQL and MySQL name them.
const ORDER_INDEXES: Record<TestDialect, string> = {
  postgres: 'index().on(t.customerId), index().on(t.region, t.code)',
  mysql: 'index().on(t.code)',
  sqlite: '',
}

function schema(dialect: TestDialect): string {
  return `import { table, integer, varchar, unique, index, foreignKey, primaryKey } from 'strata-db'

export const customers = table('customers', {
  id: integer().primaryKey(),
  email: varchar({ length: 200 }).notNull().unique(),
  region: integer(),
  code: varchar({ length: 10 }),
}, (t) => [unique().on(t.region, t.code)])

export const orders = table('orders', {
  id: integer().primaryKey(),
  customerId: integer('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
  region: integer(),
  code: varchar({ length: 10 }),
}, (t) => [
  foreignKey({ columns: [t.region, t.code], references: () => [customers.region, customers.code] }),
  ${ORDER_INDEXES[dialect]}
])

export const orderLines = table('order_lines', {
  orderId: integer('order_id').references(() => orders.id),
  line: integer(),
}, (t) => [primaryKey({ columns: [t.orderId, t.line] })])
`
}

const PRESET: Record<TestDialect, NamingPreset> = { postgres: 'postgres', mysql: 'mysql', sqlite: 'sqlite' }

describeEachDialect('naming presets: adopting a database with unnamed constraints', ({ dialect, db }) => {
  let project: UserProject
  before(async () => {
    project = linkedProject(`naming-${dialect}`)
    project.write('schema.ts', schema(dialect))
    await runScript(db(), DDL[dialect])
  })
  after(() => project?.remove())

  const changes = async (naming: NamingPreset) => {
    const config = resolveConfig({ url: db().url, schema: './schema.ts', naming }, project.path('strata.config.ts'))
    return (await compareWithDatabase(config, { allowBehind: true })).changes.map((c) => c.message)
  }

  it(`naming '${PRESET[dialect]}' compares clean`, async () => {
    assert.deepEqual(await changes(PRESET[dialect]), [])
  })

  it("naming 'strata' sees the server's names as different (PostgreSQL, MySQL)", async () => {
    const found = await changes('strata')
    if (dialect === 'sqlite') assert.deepEqual(found, []) // SQLite keeps no names: the configured convention names them
    else assert.ok(found.some((m) => /foreign key/.test(m)), found.join('\n'))
  })
})
