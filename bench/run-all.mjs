// npm run bench: every benchmark in turn. BENCH_ONLY=name,name narrows it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machine } from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const all = ['startup', 'targets', 'upgrade-chain', 'upgrade-postgres', 'graph-bench', 'graph-cli-bench', 'introspect-bench', 'check-alembic', 'fleet-bench']
const only = process.env.BENCH_ONLY?.split(',')
console.log(`strata benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine()}\n`)
for (const name of all) {
  if (only && !only.includes(name)) continue
  const file = join(here, `${name}.mjs`)
  if (!existsSync(file)) continue
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' })
  if (r.status !== 0) process.exitCode = 1
  console.log('')
}
