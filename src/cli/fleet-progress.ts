/**
 * What a fleet run shows while it runs. On a terminal: a compact block redrawn in place
 * (`[37/220] 8 running · 28 upgraded · 1 failed` and the running databases), with each failure printed above it
 * as it happens so none scrolls away unseen. Elsewhere (pipes, CI): one line per database as it finishes.
 */
import pc from 'picocolors'
import type { FleetResult, FleetStatus } from '../commands/fleet.js'

/** The part of a stream the display needs (process.stdout, or a fake one in tests). */
export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

const short = (revs: string[]) => (revs.length === 0 ? 'base' : revs.join(','))
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** Statuses that make the run exit 1. */
export const PROBLEM_STATUSES: readonly FleetStatus[] = ['failed', 'not run', 'behind', 'drifted', 'changed']

const paint = (status: FleetStatus, text: string) =>
  status === 'failed' || status === 'not run' ? pc.red(text) : PROBLEM_STATUSES.includes(status) ? pc.yellow(text) : pc.green(text)

/** One line for a finished database. */
export function resultLine(r: FleetResult & { changes?: unknown[]; problems?: { message: string }[]; history?: unknown[] }): string {
  const head = `${r.status === 'failed' ? 'FAILED' : r.status}  ${r.database}`
  if (r.status === 'failed') return `${head}: ${r.error}`
  if (r.status === 'upgraded') return `${head}: ${short(r.from)} -> ${short(r.to)} (${seconds(r.durationMs)})`
  if (r.status === 'drifted') return `${head}: ${r.changes?.length ?? 0} difference(s)`
  if (r.status === 'changed') return `${head}: ${r.problems?.[0]?.message ?? ''}${(r.problems?.length ?? 0) > 1 ? ` (+${r.problems!.length - 1} more)` : ''}`
  if (r.status === 'behind') return `${head}: at ${short(r.from)}, heads are ${short(r.to)}`
  if (r.status === 'read') return `${head}: ${r.history?.length ?? 0} step(s)`
  return head
}

export class FleetProgress {
  private readonly running = new Set<string>()
  private readonly counts = new Map<FleetStatus, number>()
  private finished = 0
  private drawnLines = 0
  private lastDraw = 0
  private pending: NodeJS.Timeout | undefined
  /** The number of databases, once known. */
  total = 0

  constructor(
    private readonly stream: ProgressStream,
    /** Redraw at most this often (a redraw per database would flood a terminal with 10,000 tenants). */
    private readonly intervalMs = 100,
  ) {}

  get live(): boolean {
    return this.stream.isTTY === true
  }

  start(database: string): void {
    this.running.add(database)
    if (this.live) this.draw(false)
  }

  finish(result: FleetResult): void {
    this.running.delete(result.database)
    this.finished++
    this.counts.set(result.status, (this.counts.get(result.status) ?? 0) + 1)
    if (!this.live) {
      this.stream.write(`${resultLine(result)}\n`)
      return
    }
    // Problems stay on screen: printed where the block was, and the block is redrawn below them.
    const kept = PROBLEM_STATUSES.includes(result.status) ? `${paint(result.status, resultLine(result))}\n` : undefined
    this.draw(kept !== undefined || this.finished === this.total, kept)
  }

  /** Replaces the block with its final one-line state; call before printing the summary. */
  end(): void {
    if (!this.live) return
    clearTimeout(this.pending)
    this.pending = undefined
    this.stream.write(`${this.erase()}${this.statusLine()}\n`)
  }

  statusLine(): string {
    const parts = [`${this.running.size} running`, ...[...this.counts].map(([status, n]) => paint(status, `${n} ${status}`))]
    return `[${this.finished}/${this.total}] ${parts.join(' · ')}`
  }

  /** One write per redraw (erase, `kept` lines, the block), so a terminal never shows it half drawn. */
  private draw(force: boolean, kept = ''): void {
    const now = performance.now()
    if (!force && this.drawnLines > 0 && now - this.lastDraw < this.intervalMs) {
      // A skipped redraw still shows soon, even if nothing else happens for a while (a long migration).
      this.pending ??= setTimeout(() => this.draw(true), this.intervalMs).unref()
      return
    }
    clearTimeout(this.pending)
    this.pending = undefined
    this.lastDraw = now
    const width = Math.max(20, (this.stream.columns ?? 80) - 1)
    const lines = [this.statusLine()]
    if (this.running.size > 0) lines.push(pc.dim(clip(`running: ${[...this.running].join(', ')}`, width)))
    this.stream.write(`${this.erase()}${kept}${lines.join('\n')}\n`)
    this.drawnLines = lines.length
  }

  /** The escapes that move up over the block last drawn and clear to the end of the screen. */
  private erase(): string {
    const up = this.drawnLines
    this.drawnLines = 0
    return up > 0 ? `\x1b[${up}A\r\x1b[J` : ''
  }
}

const clip = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)
