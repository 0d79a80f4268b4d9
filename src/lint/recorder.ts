import { pathToFileURL } from 'node:url'
import { sourceStack } from '../config/revision-batch.js'
import type { DialectFamily } from '../dialects/dialect.js'
import { type OperationSink, Operations } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import type { Migration } from '../runtime/migration-module.js'
import { type NamingConvention, defaultNamingConvention } from '../schema/naming.js'

/** An operation a migration made, with the line of the `op.…` call that made it (null when the stack lacks it). */
export interface RecordedOperation {
  operation: AnyOperation
  line: number | null
  /** True inside `op.autocommit(…)`: the operation runs outside the migration's transaction. */
  autocommit: boolean
}

/** Passed through the op queue ahead of each call, so the sink knows which call the next operations come from. */
const LINE_MARK = '\u0000strata-lint-line:'

/** Collects operations instead of running them; `op.query` reads nothing (lint never touches data). */
class RecordingSink implements OperationSink {
  readonly recorded: RecordedOperation[] = []
  private line: number | null = null
  private autocommit = false
  async run(operation: AnyOperation): Promise<void> {
    this.recorded.push({ operation, line: this.line, autocommit: this.autocommit })
  }
  async query<T>(sql: string): Promise<T[]> {
    if (sql.startsWith(LINE_MARK)) {
      const line = Number(sql.slice(LINE_MARK.length))
      this.line = Number.isNaN(line) ? null : line
    }
    return []
  }
  async setAutocommit(on: boolean): Promise<void> {
    this.autocommit = on
  }
}

/** The line in `file` of the innermost stack frame inside it. */
function callerLine(stack: string, file: string): number | null {
  const href = pathToFileURL(file).href
  for (const frame of stack.split('\n').slice(1)) {
    const at = frame.indexOf(href) >= 0 ? frame.indexOf(href) + href.length : frame.indexOf(file) >= 0 ? frame.indexOf(file) + file.length : -1
    if (at < 0) continue
    const match = /^:(\d+)/.exec(frame.slice(at))
    if (match) return Number(match[1])
  }
  return null
}

const NOT_OPERATIONS = new Set(['drain', 'query', 'autocommit', 'constructor'])

/** The `op` a migration receives, marking each call with its line before it is queued. */
function markingProxy(operations: Operations, file: string | undefined): Operations {
  return new Proxy(operations, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || typeof property !== 'string' || NOT_OPERATIONS.has(property)) return typeof value === 'function' ? value.bind(target) : value
      return (...args: unknown[]) => {
        const line = file ? callerLine(sourceStack(new Error().stack ?? ''), file) : null
        void target.query(`${LINE_MARK}${line ?? ''}`)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

export interface RecordOptions {
  dialect: DialectFamily
  /** The revision file: lines are read from stack frames inside it. */
  file?: string
  naming?: NamingConvention
}

/** Runs a migration function against a recorder: the operations it makes, in order, with their lines. */
export async function recordOperations(body: (migration: Migration) => Promise<void> | void, options: RecordOptions): Promise<RecordedOperation[]> {
  const sink = new RecordingSink()
  const operations = new Operations(sink, options.naming ?? defaultNamingConvention)
  await body({ op: markingProxy(operations, options.file), dialect: options.dialect, offline: true })
  await operations.drain()
  return sink.recorded
}
