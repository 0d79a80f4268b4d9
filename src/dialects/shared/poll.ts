/** The one back-off loop: try, pause (doubling up to a cap), until it succeeds or the deadline passes. */
import { setTimeout as sleep } from 'node:timers/promises'

export interface PollOptions {
  timeoutMs: number
  /** First pause in ms (default 25). */
  firstPauseMs?: number
  /** Longest pause in ms (default 1000). */
  maxPauseMs?: number
}

/**
 * Calls `attempt` until it returns a value other than undefined; returns that value, or undefined once
 * `timeoutMs` has passed (the caller words the timeout, naming whoever holds what it waited for).
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + Math.max(0, options.timeoutMs)
  let pause = options.firstPauseMs ?? 25
  for (;;) {
    const result = await attempt()
    if (result !== undefined) return result
    const remaining = deadline - Date.now()
    if (remaining <= 0) return undefined
    await sleep(Math.min(pause, remaining))
    pause = Math.min(pause * 2, options.maxPauseMs ?? 1000)
  }
}
