/**
 * The DDL lock policy: how long a migration statement may wait for a table lock, and how often it is retried
 * (config `ddlLockTimeout`, `ddlLockRetries`, `ddlLockRetryDelay`, `ddlLockRetryMaxDelay`; CLI
 * `--ddl-lock-timeout`, `--ddl-lock-retries`). Not strata's own migration lock (`lockTimeout`).
 */
import { StrataError } from '../errors.js'

export interface DdlLockPolicy {
  /** Bound on one statement's wait for a lock, in ms (> 0). */
  timeoutMs: number
  /** Retries after the first attempt. */
  retries: number
  /** Pause before the first retry, in ms; doubles at each retry. */
  delayMs: number
  /** Longest pause, in ms. */
  maxDelayMs: number
}

export const DDL_LOCK_DEFAULTS = { retries: 3, delayMs: 1000, maxDelayMs: 30_000 } as const

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }

/**
 * Milliseconds from a number (ms) or text ('300ms', '2s', '1.5s', '1m', or digits: ms); undefined when the value
 * is not a duration.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(value)
  if (!match) return undefined
  return Number(match[1]) * UNITS[(match[2] ?? 'ms').toLowerCase()]!
}

/** `250 ms`, `2 s`, `1.5 s`: how a retry line and an error name a duration. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`
}

export interface DdlLockSettings {
  timeout?: unknown
  retries?: unknown
  delay?: unknown
  maxDelay?: unknown
}

/**
 * The policy from config values (or CLI flags over them); null when no timeout is set or it is 0 (off). `fail`
 * turns a bad value's description into the caller's error (config or usage).
 */
export function resolveDdlLock(settings: DdlLockSettings, fail: (what: string) => StrataError): DdlLockPolicy | null {
  const duration = (value: unknown, name: string, fallback: number): number => {
    if (value === undefined) return fallback
    const ms = parseDuration(value)
    if (ms === undefined) throw fail(`'${name}' must be milliseconds or a duration such as '500ms' or '2s', got ${JSON.stringify(value)}`)
    return ms
  }
  const timeoutMs = duration(settings.timeout, 'ddlLockTimeout', 0)
  const retries = settings.retries ?? DDL_LOCK_DEFAULTS.retries
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) throw fail(`'ddlLockRetries' must be a whole number (0 or more), got ${JSON.stringify(settings.retries)}`)
  const delayMs = duration(settings.delay, 'ddlLockRetryDelay', DDL_LOCK_DEFAULTS.delayMs)
  const maxDelayMs = duration(settings.maxDelay, 'ddlLockRetryMaxDelay', Math.max(DDL_LOCK_DEFAULTS.maxDelayMs, delayMs))
  if (maxDelayMs < delayMs) throw fail(`'ddlLockRetryMaxDelay' (${formatDuration(maxDelayMs)}) is shorter than 'ddlLockRetryDelay' (${formatDuration(delayMs)})`)
  if (timeoutMs === 0) return null
  return { timeoutMs: Math.max(1, Math.round(timeoutMs)), retries, delayMs, maxDelayMs }
}

/**
 * The pause before retry `retry` (1-based): the delay doubled at each retry, capped, then jittered to between half
 * and all of it, so that several runs blocked by the same session do not retry in step.
 */
export function retryPause(policy: DdlLockPolicy, retry: number, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** (retry - 1))
  return Math.round(full / 2 + (random() * full) / 2)
}

/** The config's policy with a run's CLI flags over it (`--ddl-lock-timeout 0` turns it off for the run). */
export function overrideDdlLock(policy: DdlLockPolicy | null, flags: { timeoutMs?: number | undefined; retries?: number | undefined }): DdlLockPolicy | null {
  if (flags.timeoutMs === undefined && flags.retries === undefined) return policy
  const base = policy ?? { timeoutMs: 0, ...DDL_LOCK_DEFAULTS }
  const timeoutMs = flags.timeoutMs ?? base.timeoutMs
  if (timeoutMs <= 0) return null
  return { ...base, timeoutMs: Math.max(1, Math.round(timeoutMs)), retries: flags.retries ?? base.retries }
}
