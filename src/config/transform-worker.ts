/**
 * Worker thread for long runs: reads revision files, hashes them and strips their types with sucrase, in plan
 * order, while the main thread executes SQL. See revision-prefetch.ts.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import { transform } from 'sucrase'

export interface PrefetchedRevision {
  path: string
  source?: string
  checksum?: string
  code?: string
  /** A read or syntax error: the main thread reloads the file itself and reports it. */
  failed?: boolean
}

parentPort?.on('message', (paths: string[]) => {
  for (const path of paths) {
    const result: PrefetchedRevision = { path }
    try {
      const bytes = readFileSync(path)
      result.source = bytes.toString('utf8')
      result.checksum = createHash('sha256').update(bytes).digest('hex')
      result.code = transform(result.source, { transforms: ['typescript', 'imports'], filePath: path, production: true }).code
    } catch {
      result.failed = true
    }
    parentPort!.postMessage(result)
  }
})
