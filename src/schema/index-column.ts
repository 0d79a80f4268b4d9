import type { IndexElement, IndexElementOptions } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'

/**
 * One index element with its options: `t.createdAt.desc().nullsLast()`, `indexColumn('data').opclass('jsonb_path_ops')`,
 * `indexColumn(sql\`lower(email)\`).desc()`. Each method returns a new element.
 */
export class IndexColumn {
  readonly indexColumn = true as const
  constructor(readonly target: string | SqlFragment, readonly options: Readonly<IndexElementOptions> = {}) {}
  private with(options: IndexElementOptions): IndexColumn {
    return new IndexColumn(this.target, { ...this.options, ...options })
  }
  /** Descending order. */
  desc(): IndexColumn {
    return this.with({ desc: true })
  }
  /** Ascending order (the default). */
  asc(): IndexColumn {
    return this.with({ desc: false })
  }
  /** PostgreSQL: NULLs sort first (the default when descending). */
  nullsFirst(): IndexColumn {
    return this.with({ nulls: 'first' })
  }
  /** PostgreSQL: NULLs sort last (the default when ascending). */
  nullsLast(): IndexColumn {
    return this.with({ nulls: 'last' })
  }
  /** PostgreSQL: the operator class (`jsonb_path_ops`, `text_pattern_ops`). */
  opclass(name: string): IndexColumn {
    return this.with({ opclass: name })
  }
  /** The collation this element is indexed with, by the server's name for it. */
  collate(name: string): IndexColumn {
    return this.with({ collate: name })
  }
  /** @internal */
  toElement(): IndexElement {
    const options: IndexElementOptions = {}
    if (this.options.desc) options.desc = true
    if (this.options.nulls) options.nulls = this.options.nulls
    if (this.options.opclass) options.opclass = this.options.opclass
    if (this.options.collate) options.collate = this.options.collate
    if (isSqlFragment(this.target)) return { expression: this.target.text, ...options }
    return Object.keys(options).length === 0 ? this.target : { column: this.target, ...options }
  }
}

/** An index element to give options to: a column (bound or by name) or an SQL expression. */
export function indexColumn(target: { name: string } | string | SqlFragment): IndexColumn {
  return new IndexColumn(typeof target === 'string' || isSqlFragment(target) ? target : target.name)
}

export function isIndexColumn(value: unknown): value is IndexColumn {
  return typeof value === 'object' && value !== null && (value as { indexColumn?: unknown }).indexColumn === true
}

/** The index-element methods every bound column has (`t.createdAt.desc()`). */
export interface IndexColumnMethods {
  desc(): IndexColumn
  asc(): IndexColumn
  nullsFirst(): IndexColumn
  nullsLast(): IndexColumn
  opclass(name: string): IndexColumn
  collate(name: string): IndexColumn
}

/**
 * A column bound to a table (`packages.id`): four plain fields, and the index-element methods on the prototype,
 * so that a ref copies and prints as its fields and a table of many columns builds no closures per column.
 */
export class BoundColumn implements IndexColumnMethods {
  constructor(
    readonly tableName: string,
    readonly tableSchema: string | null,
    readonly name: string,
    readonly key: string,
  ) {}
  desc(): IndexColumn {
    return new IndexColumn(this.name).desc()
  }
  asc(): IndexColumn {
    return new IndexColumn(this.name).asc()
  }
  nullsFirst(): IndexColumn {
    return new IndexColumn(this.name).nullsFirst()
  }
  nullsLast(): IndexColumn {
    return new IndexColumn(this.name).nullsLast()
  }
  opclass(name: string): IndexColumn {
    return new IndexColumn(this.name).opclass(name)
  }
  collate(name: string): IndexColumn {
    return new IndexColumn(this.name).collate(name)
  }
}
