/**
 * Migration statements sent without waiting for their answers, inside one transaction of a database with
 * transactional DDL (docs/design/run-loop.md, "Statements in flight"). The server runs one while the run loop
 * prepares the next steps; the connection keeps them in order. A failure aborts the transaction, so every later
 * statement fails too: the first failure in sending order is the one to report.
 */
import type { MigrationStep } from '../revisions/index.js'
import type { StatementInfo } from './step-sink.js'

/** A statement sent: its step, and the statements of that step an op.autocommit block committed before it. */
export interface SentStatement {
  step: MigrationStep
  info: StatementInfo
  autocommitted: number
}

/** A statement that failed while later ones were already on their way. */
export interface InFlightFailure extends SentStatement {
  error: unknown
}

/** Statements in flight at most: how far the loop may run ahead of the server (and past a failure it has not seen yet). */
const WINDOW = 32

export class StatementPipeline {
  private readonly inFlight: Array<Promise<unknown>> = []
  private failed: InFlightFailure | null = null
  /** Settles after every statement sent so far (never rejects). */
  private tail: Promise<unknown> = Promise.resolve()

  get failure(): InFlightFailure | null {
    return this.failed
  }

  get idle(): boolean {
    return this.inFlight.length === 0
  }

  /** Sends a statement; waits only when the window is full. Its failure is kept, not thrown (see `settle`). */
  async send(statement: SentStatement, run: () => Promise<unknown>): Promise<void> {
    const sent = run().then(
      () => undefined,
      (error: unknown) => {
        this.failed ??= { ...statement, error }
      },
    )
    this.inFlight.push(sent)
    this.tail = sent
    while (this.inFlight.length > WINDOW) await this.inFlight.shift()
  }

  /** Runs `then` when every statement sent so far has succeeded; never, if one failed. */
  whenDone(then: (at: number) => void): void {
    void this.tail.then(() => {
      if (!this.failed) then(performance.now())
    })
  }

  /** Waits for every statement in flight; the first failure, if any. */
  async settle(): Promise<InFlightFailure | null> {
    while (this.inFlight.length > 0) await this.inFlight.shift()
    return this.failed
  }

  /** After a rollback: nothing in flight counts any more. */
  clear(): void {
    this.inFlight.length = 0
    this.failed = null
    this.tail = Promise.resolve()
  }
}
