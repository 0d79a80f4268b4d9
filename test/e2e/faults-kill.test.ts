/**
 * Fault injection (issue 10): a long run of DDL, DML that follows DDL, DML-only steps and `transaction = false`
 * migrations is killed with SIGKILL at random moments, in every transaction mode. After each trial a second run
 * must reach head, and every effect must be there exactly once, checked on the data (balances, ledger rows, side
 * tables), not only on the version rows.
 *
 * STRATA_FAULT_TRIALS (default 20) sets the trials per dialect; STRATA_FAULT_SEED makes the kill points repeatable.
 * scripts/fault-soak.ts runs the long soak (100+ per dialect) with the same workload.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { MODES, checkWorkload, killTrial, writeWorkload } from '../support/fault-workload.js'
import type { UserProject } from '../support/project.js'
import { createScenario, linkUserProject } from '../support/safe-project.js'
import { seededRandom as random } from '../support/seeded-random.js'

const TRIALS = Number(process.env.STRATA_FAULT_TRIALS ?? 20)
const REVISIONS = 14

describeEachDialect('faults: SIGKILL at random points of a long run', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`faults-${dialect}`)
  })
  after(() => project?.remove())

  it(`${TRIALS} random kills: every rerun reaches head and every effect is there exactly once`, async (t) => {
    // How long an undisturbed run takes (process start included): kill points are drawn from that window. The
    // second calm run is the one measured: the first also fills the compiled-revision cache. One sample can be slow
    // (a busy host), which would put kills after the end of the run: a trial that finished before its kill shortens
    // the window to its own length.
    let window = 0
    for (const label of ['calm', 'calm2']) {
      const calm = await createScenario(project, dialect, label)
      try {
        const workload = writeWorkload(calm, REVISIONS)
        const t0 = performance.now()
        const run = await calm.strata(['upgrade', 'head'])
        window = performance.now() - t0
        assert.equal(run.code, 0, run.stderr)
        await checkWorkload(calm, workload, 'undisturbed run')
      } finally {
        await calm.db.drop()
      }
    }

    const seed = Number(process.env.STRATA_FAULT_SEED ?? Date.now() % 1_000_000)
    const next = random(seed)
    const calmWindow = window
    let interrupted = 0
    const outcomes: string[] = []
    for (let trial = 0; trial < TRIALS; trial++) {
      const s = await createScenario(project, dialect, `kill${trial}`)
      try {
        const workload = writeWorkload(s, REVISIONS)
        const mode = MODES[dialect][trial % MODES[dialect].length]!
        const delay = Math.round(40 + next() * window * 0.9)
        const result = await killTrial(s, delay, mode)
        const label = `trial ${trial} (seed ${seed}, mode ${result.mode}, killed at ${delay} ms)`
        assert.equal(result.rerun.code, 0, `${label}: the rerun failed: ${result.rerun.stderr}`)
        await checkWorkload(s, workload, label)
        if (!result.finished) interrupted++
        else window = Math.min(window, result.ranMs)
        outcomes.push(`${delay}ms:${result.finished ? 'finished' : 'killed'}`)
      } finally {
        await s.db.drop()
      }
    }
    t.diagnostic(`fault-summary ${dialect}: ${TRIALS} trials, ${interrupted} interrupted mid-run, ${TRIALS - interrupted} finished before the kill, 0 failures (seed ${seed}, window ${Math.round(calmWindow)} ms, at the end ${Math.round(window)} ms)`)
    // A fault test whose kills all land after the run finished tests nothing.
    assert.ok(interrupted >= Math.ceil(TRIALS / 2), `only ${interrupted} of ${TRIALS} kills interrupted the run (seed ${seed}): ${outcomes.join(' ')}`)
  })
}, { needsServer: 'processes killed mid-run' })
