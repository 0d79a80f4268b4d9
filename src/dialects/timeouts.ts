/**
 * Client-side bounds shared by the drivers. A server that stops answering (frozen process, a proxy or firewall that
 * swallows packets) never closes the socket and never sends an error: only a timer on our side ends the wait.
 */
import { TimeoutError } from '../errors.js'
import type { DatabaseUrl } from '../runtime/url.js'

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

export function connectTimeoutError(url: DatabaseUrl, ms: number): TimeoutError {
  return new TimeoutError(
    `cannot connect to ${url.display}: no answer within ${seconds(ms)} (connectTimeout); check that the server is up and reachable, or raise --connect-timeout`,
    'connect-timeout',
  )
}

export function statementTimeoutError(url: DatabaseUrl, ms: number, sql: string): TimeoutError {
  const head = sql.replace(/\s+/g, ' ').trim()
  const shown = head.length > 60 ? `${head.slice(0, 57)}...` : head
  return new TimeoutError(
    `${url.display} did not finish a statement within ${seconds(ms)} (statementTimeout), so the run was stopped: ${shown}; check the server, or raise --statement-timeout`,
    'statement-timeout',
  )
}

/**
 * `work`, or `onTimeout()` thrown when it has not settled after `ms` (no bound when `ms` is 0 or absent).
 * `onTimeout` also tears down what `work` was waiting on, so no socket is left behind.
 */
export async function within<T>(work: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> {
  if (!ms || ms <= 0) return work
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}
