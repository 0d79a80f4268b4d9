import { Worker } from 'node:worker_threads'
import type { PrefetchedRevision } from './transform-worker.js'

/** Below this many files a worker's start-up (~30 ms) costs more than it saves. */
const MIN_FILES = 50

interface Pending {
  promise: Promise<PrefetchedRevision | undefined>
  resolve: (value: PrefetchedRevision | undefined) => void
}

let worker: Worker | undefined
const pending = new Map<string, Pending>()

function entry(path: string): Pending {
  let found = pending.get(path)
  if (!found) {
    let resolve!: Pending['resolve']
    const promise = new Promise<PrefetchedRevision | undefined>((r) => (resolve = r))
    found = { promise, resolve }
    pending.set(path, found)
  }
  return found
}

/**
 * Starts transforming the revision files a run will load, in order, on a second core: on a long upgrade the type
 * stripping then overlaps with the SQL the main thread executes. Anything that goes wrong falls back to loading
 * inline, so this is only ever an optimisation.
 */
export function prefetchRevisions(paths: string[]): void {
  if (paths.length < MIN_FILES || worker) return
  try {
    worker = new Worker(new URL('./transform-worker.js', import.meta.url))
  } catch {
    return
  }
  for (const path of paths) entry(path)
  worker.on('message', (result: PrefetchedRevision) => pending.get(result.path)?.resolve(result))
  const abandon = () => {
    for (const p of pending.values()) p.resolve(undefined)
    worker = undefined
  }
  worker.on('error', abandon)
  worker.on('exit', abandon)
  worker.postMessage(paths)
}

/** The prefetched transform of a file, or undefined when it was not prefetched (load it inline). */
export async function takePrefetched(path: string): Promise<PrefetchedRevision | undefined> {
  const found = pending.get(path)
  if (!found) return undefined
  // Deleted only once settled: the worker's message looks the entry up by path.
  const result = await found.promise
  pending.delete(path)
  if (pending.size === 0) stopPrefetch()
  return result?.failed ? undefined : result
}

export function stopPrefetch(): void {
  const w = worker
  worker = undefined
  for (const p of pending.values()) p.resolve(undefined)
  pending.clear()
  void w?.terminate()
}
