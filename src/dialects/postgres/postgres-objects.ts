/**
 * Extensions, row-level security and policies (PostgreSQL). A policy records its declaration in its comment
 * (postgres-records.ts): the server keeps USING / WITH CHECK as parse trees and prints them back in its own words.
 */
import type { Connection } from '../dialect.js'
import type { PostgresObjectOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import type { ExtensionModel, PolicyCommand, PolicyModel, SequenceModel } from '../../schema/model.js'
import { recorded } from '../shared/object-record.js'
import { parseRecordComment, recordCommentSql } from './postgres-records.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { SEQUENCES_JSON, type SequenceRow, reflectPostgresSequences } from './postgres-sequences.js'

/** The text whose md5 a policy's record keeps: its expressions and roles as the server prints them. */
const POLICY_TEXT = `coalesce(pg_get_expr(p.polqual, p.polrelid), '') || '|' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') || '|' || p.polroles::text`

function createPolicySql(p: PolicyModel): string {
  const roles = p.to.length ? p.to.map((r) => (r.toLowerCase() === 'public' ? 'PUBLIC' : quoteIdentifier(r))).join(', ') : 'PUBLIC'
  let sql = `CREATE POLICY ${quoteIdentifier(p.name)} ON ${qualify(p.table, p.schema)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.for.toUpperCase()} TO ${roles}`
  if (p.using) sql += `\nUSING (${p.using})`
  if (p.withCheck) sql += `\nWITH CHECK (${p.withCheck})`
  return sql
}

function policyRecordSql(p: PolicyModel): string {
  const table = qualify(p.table, p.schema)
  const text = `(SELECT ${POLICY_TEXT} FROM pg_policy p WHERE p.polname = ${quoteLiteral(p.name)} AND p.polrelid = ${quoteLiteral(table)}::regclass)`
  const { name: _n, schema: _s, table: _t, ...declared } = p
  return recordCommentSql(`POLICY ${quoteIdentifier(p.name)} ON ${table}`, text, JSON.stringify(declared))
}


export const postgresObjectCompilers = {
  createExtension: (op) => {
    const e = op.extension
    return [`CREATE EXTENSION ${quoteIdentifier(e.name)}${e.schema ? ` SCHEMA ${quoteIdentifier(e.schema)}` : ''}${e.version ? ` VERSION ${quoteLiteral(e.version)}` : ''}`]
  },
  dropExtension: (op) => [`DROP EXTENSION ${quoteIdentifier(op.name)}`],
  setRowSecurity: (op) => [`ALTER TABLE ${qualify(op.table, op.schema)} ${op.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`],
  createPolicy: (op) => [createPolicySql(op.policy), policyRecordSql(op.policy)],
  dropPolicy: (op) => [`DROP POLICY ${quoteIdentifier(op.name)} ON ${qualify(op.table, op.schema)}`],
  replacePolicy: (op) => {
    const old = op.existing ?? op.policy
    return [`DROP POLICY ${quoteIdentifier(old.name)} ON ${qualify(old.table, old.schema)}`, createPolicySql(op.policy), policyRecordSql(op.policy)]
  },
} satisfies CompilersFor<PostgresObjectOperation>

const COMMANDS: Record<string, PolicyCommand> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' }

/** Extensions (but plpgsql, always there), tables with row-level security, policies and sequences: one query. */
const OBJECTS_SQL = `
SELECT
  (SELECT COALESCE(json_agg(json_build_object('name', e.extname, 'schema', n.nspname, 'version', e.extversion) ORDER BY e.extname), '[]')
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql') AS extensions,
  (SELECT COALESCE(json_agg(json_build_object('table', c.relname, 'nsp', c.relnamespace) ORDER BY c.relname), '[]')
     FROM pg_class c WHERE c.relrowsecurity AND c.relnamespace = ANY($1::oid[])) AS rls,
  (SELECT COALESCE(json_agg(json_build_object(
      'name', p.polname, 'table', c.relname, 'nsp', c.relnamespace, 'cmd', p.polcmd, 'permissive', p.polpermissive,
      'roles', ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END FROM unnest(p.polroles) AS r ORDER BY 1),
      'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid),
      'fingerprint', md5(${POLICY_TEXT}), 'comment', d.description) ORDER BY c.relname, p.polname), '[]')
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
     LEFT JOIN pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_policy'::regclass
     WHERE c.relnamespace = ANY($1::oid[])) AS policies,
  (${SEQUENCES_JSON}) AS sequences`

interface PolicyRow {
  name: string
  table: string
  nsp: number
  cmd: string
  permissive: boolean
  roles: string[]
  using: string | null
  check: string | null
  fingerprint: string
  comment: string | null
}

export interface PostgresObjects {
  extensions: ExtensionModel[]
  rowSecurity: Array<{ table: string; schema: string | null }>
  policies: PolicyModel[]
  sequences: SequenceModel[]
}

export async function introspectPostgresObjects(connection: Connection, oids: number[], schemaOf: (nsp: number) => string | null, modelSchema: (name: string) => string | null): Promise<PostgresObjects> {
  const [row] = await connection.query<{ extensions: Array<{ name: string; schema: string; version: string }>; rls: Array<{ table: string; nsp: number }>; policies: PolicyRow[]; sequences: SequenceRow[] }>(OBJECTS_SQL, [oids])
  const extensions = (row?.extensions ?? []).map((e) => ({ name: e.name, schema: modelSchema(e.schema), version: e.version }))
  const rowSecurity = (row?.rls ?? []).map((r) => ({ table: r.table, schema: schemaOf(Number(r.nsp)) }))
  const policies = (row?.policies ?? []).map((p): PolicyModel => {
    const schema = schemaOf(Number(p.nsp))
    const own = recorded<PolicyModel>(parseRecordComment(p.comment), p.fingerprint, { name: p.name, schema, table: p.table })
    if (own) return own
    const model: PolicyModel = { name: p.name, schema, table: p.table, for: COMMANDS[p.cmd] ?? 'all', to: p.roles.filter((r) => r !== 'public'), permissive: p.permissive }
    if (p.using) model.using = p.using
    if (p.check) model.withCheck = p.check
    return model
  })
  return { extensions, rowSecurity, policies, sequences: reflectPostgresSequences(row?.sequences ?? [], schemaOf) }
}
