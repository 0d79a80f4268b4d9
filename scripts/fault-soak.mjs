#!/usr/bin/env node
// The long fault-injection soak (issue 10): the same workload as test/e2e/faults-kill.test.ts, with many more
// SIGKILL trials per dialect. Usage: npm run build && node scripts/fault-soak.mjs [trials=100]
// STRATA_TEST_DIALECTS narrows the dialects; STRATA_FAULT_SEED repeats a run. Prints one summary line per dialect.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const trials = process.argv[2] ?? '100'
const started = Date.now()
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/e2e/faults-kill.test.ts'], {
  cwd: root,
  env: { ...process.env, STRATA_FAULT_TRIALS: trials, STRATA_REPO: root },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
const output = `${result.stdout}${result.stderr}`
for (const line of output.split('\n')) if (/fault-summary|AssertionError|trial \d+ \(seed/.test(line)) console.log(line.trim())
console.log(`soak: ${trials} trials per dialect, ${Math.round((Date.now() - started) / 1000)} s, exit ${result.status}`)
process.exit(result.status ?? 1)
