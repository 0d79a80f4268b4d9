/**
 * The PostgreSQL schemas a target schema may use: those `schemas` (config) lists. An object declared in any other
 * schema is neither reflected nor created (no `createSchema`), so autogenerate would add it on every run and the
 * upgrade would fail: refused in one line when the schema loads for a comparison.
 */
import { basename } from 'node:path'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { StrataError } from '../config/errors.js'
import { qualifiedName, type SchemaModel } from '../schema/model.js'

type Named = { name: string; schema?: string | null }

/** Every object of the model that names its schema, with what it is. */
function* declaredObjects(model: SchemaModel): Generator<[string, Named]> {
  const groups: Array<[string, Named[] | undefined]> = [
    ['table', model.tables],
    ['enum', model.enums],
    ['view', model.views],
    ['routine', model.routines],
    ['sequence', model.sequences],
    ['partition', model.partitions],
  ]
  for (const [kind, objects] of groups) for (const object of objects ?? []) yield [kind, object]
}

export function assertSchemasManaged(model: SchemaModel, dialect: Pick<Dialect, 'features'>, config: ResolvedConfig): void {
  if (!dialect.features.schemas) return
  const listed = config.config.schemas
  const managed = new Set(listed ?? [])
  for (const [kind, object] of declaredObjects(model)) {
    const schema = object.schema
    if (!schema || managed.has(schema)) continue
    // Unset, 'schemas' is the search_path schema alone: the fix lists that one too.
    const unset = listed ? '' : ` (unset, it means the search_path schema only: list that one too, e.g. schemas: ['public', '${schema}'])`
    const fix = `add '${schema}' to 'schemas' in ${basename(config.file)}${unset}`
    throw new StrataError(`${kind} '${qualifiedName(object.name, schema)}' is in schema '${schema}', which strata does not manage: ${fix}`, {
      code: 'unmanaged-schema',
    })
  }
}
