/**
 * Retries of a migration statement that a lock wait bound cancelled (config `ddlLockTimeout`, docs/design/run-loop.md
 * "Lock timeouts"). Inside a transaction each statement runs after a SAVEPOINT, and a cancelled one is rolled back
 * to it: the transaction and the statements before it stay, nothing runs twice. Outside one, the statement itself
 * is run again (after the dialect's clean-up of what it may have left, e.g. an INVALID index).
 */
import { type DdlLockPolicy, formatDuration, retryPause } from '../config/ddl-lock.js'
import type { LockWaitBound } from '../dialects/dialect.js'
import { tableName } from '../lint/subjects.js'
import type { LiveTarget } from './run-target.js'
import { type StatementInfo, StatementError } from './step-sink.js'

const SAVEPOINT = 'strata_lock_retry'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class LockRetry {
  constructor(
    private readonly bound: LockWaitBound,
    readonly policy: DdlLockPolicy,
    private readonly target: LiveTarget,
    private readonly log: (line: string) => void,
    private readonly pause: (ms: number) => Promise<void> = sleep,
  ) {}

  /** The statements that bound this session's lock waits; run once, before the first migration statement. */
  sessionSql(): string[] {
    return this.bound.sessionSql(this.policy.timeoutMs)
  }

  /** Runs one migration statement; a lock timeout is retried after a growing pause until the retries run out. */
  async execute(info: StatementInfo): Promise<void> {
    const { retries, timeoutMs } = this.policy
    for (let retry = 1; ; retry++) {
      const savepoint = this.target.inTransaction
      if (savepoint) await this.target.execute(`SAVEPOINT ${SAVEPOINT}`)
      try {
        if (retry > 1) for (const sql of (await this.bound.beforeRetry?.(info.operation, this.target.connection)) ?? []) await this.target.execute(sql)
        await this.target.execute(info.sql)
      } catch (error) {
        // Any other error aborts the transaction as it would without retries: the caller rolls it all back.
        if (!this.bound.isLockTimeout(error)) throw error
        if (savepoint) await this.target.execute(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`)
        const on = this.subject(info)
        if (retry > retries) throw this.exhausted(info, on, error)
        const wait = retryPause(this.policy, retry)
        this.log(`lock timeout on ${on} after ${formatDuration(timeoutMs)}, retry ${retry}/${retries} in ${formatDuration(wait)}`)
        await this.pause(wait)
        continue
      }
      if (savepoint) await this.target.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`)
      return
    }
  }

  private subject(info: StatementInfo): string {
    const table = tableName(info.operation)
    return table ? `"${table}"` : `statement ${info.number}`
  }

  private exhausted(info: StatementInfo, on: string, cause: unknown): StatementError {
    const { retries, timeoutMs } = this.policy
    const reason = ((cause as Error)?.message ?? String(cause)).split('\n')[0]
    const message = `lock timeout on ${on}: still blocked after ${retries + 1} attempt(s) of ${formatDuration(timeoutMs)} (${reason}); another session holds a conflicting lock: end it or rerun when it is done, or raise ddlLockTimeout / ddlLockRetries`
    return new StatementError(info.operation, info.sql, info.number, cause, { code: 'ddl-lock-timeout', message, batchSize: info.batch?.length })
  }
}
