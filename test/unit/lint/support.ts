import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { lintRules } from '../../../src/lint/catalogue.js'
import type { DialectFamily } from '../../../src/dialects/dialect.js'
import type { Operations } from '../../../src/operations/api.js'
import { lintOperations, type LintOperationsOptions, type OperationFinding } from '../../../src/lint/lint-operations.js'
import { recordOperations } from '../../../src/lint/recorder.js'
import { emptySchema, type SchemaModel } from '../../../src/schema/model.js'
import { bigint, enumeration, integer, text, timestamp, varchar } from '../../../src/index.js'

export const ALL_DIALECTS: DialectFamily[] = ['sqlite', 'postgres', 'mysql']
const LIMITS: Record<DialectFamily, number> = { sqlite: Infinity, postgres: 63, mysql: 64 }
const UNITS: Record<DialectFamily, 'bytes' | 'characters'> = { sqlite: 'bytes', postgres: 'bytes', mysql: 'characters' }

export type Body = (op: Operations) => Promise<void>

/** The schema the rules see before a test migration: users, posts (children cascading from users), an enum. */
export async function existingSchema(dialect: DialectFamily): Promise<SchemaModel> {
  const model = emptySchema()
  const mood = enumeration('mood', ['happy', 'sad', 'meh'])
  const recorded = await recordOperations(
    async ({ op }) => {
      await op.createEnum('mood', ['happy', 'sad', 'meh'])
      await op.createTable('users', { id: bigint().primaryKey(), email: varchar({ length: 20 }).notNull(), age: integer(), mood: mood() })
      await op.createTable('posts', {
        id: bigint().primaryKey(),
        user_id: bigint().notNull(),
        title: varchar({ length: 20 }),
        body: text(),
        created_at: timestamp(),
      })
      await op.createForeignKey('fk_posts_user', 'posts', ['user_id'], 'users', ['id'], { onDelete: 'cascade' })
    },
    { dialect },
  )
  for (const { operation } of recorded) operation.apply(model)
  return model
}

/** The findings of one migration body on one dialect, against the existing schema. */
export async function lintBody(dialect: DialectFamily, body: Body, options: Partial<LintOperationsOptions> = {}): Promise<OperationFinding[]> {
  const recorded = await recordOperations(({ op }) => body(op), { dialect })
  return lintOperations(
    recorded.map((r) => r.operation),
    { dialect, maxIdentifierLength: LIMITS[dialect], identifierLengthUnit: UNITS[dialect], model: await existingSchema(dialect), outsideTransaction: recorded.map((r) => r.autocommit), ...options },
  )
}

export async function rulesOf(dialect: DialectFamily, body: Body, options: Partial<LintOperationsOptions> = {}): Promise<string[]> {
  return (await lintBody(dialect, body, options)).map((f) => f.rule)
}

export interface RuleCase {
  violate: Body
  safe?: Body
  /** The violation on a table the same migration creates first. */
  onNewTable?: Body
}

const newTable: Body = async (op) => {
  await op.createTable('fresh', { id: bigint().primaryKey(), name: varchar({ length: 20 }), n: integer() })
}

/** Runs a rule's cases on every dialect: present exactly where the rule applies. */
export function ruleCases(id: keyof typeof lintRules, cases: RuleCase): void {
  const rule = lintRules[id]
  describe(`rule ${id}`, () => {
    for (const dialect of ALL_DIALECTS) {
      const applies = (rule.dialects as readonly string[]).includes(dialect)
      it(`${applies ? 'flags' : 'ignores'} the violation on ${dialect}`, async () => {
        assert.equal((await rulesOf(dialect, cases.violate)).includes(id), applies)
      })
      if (cases.safe)
        it(`passes the safe form on ${dialect}`, async () => {
          assert.equal((await rulesOf(dialect, cases.safe!)).includes(id), false)
        })
      if (cases.onNewTable)
        it(`exempts a table created in the same migration on ${dialect}`, async () => {
          assert.equal(
            (await rulesOf(dialect, async (op) => {
              await newTable(op)
              await cases.onNewTable!(op)
            })).includes(id),
            false,
          )
        })
    }
  })
}

