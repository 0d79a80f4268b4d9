/**
 * MariaDB Galera: GET_LOCK holds on one node only there, so strata detects wsrep_on and takes the table (lease)
 * lock. A private 3-node cluster (scripts/galera-cluster.mjs) on its own ports; in every round 3 × 5 runners
 * start `upgrade head` together (random jitter) against the three nodes. Each migration must run exactly once
 * (a side-effect table counts executions), and every node must end with the same schema, version and history.
 * Then the lock holder is SIGKILLed in the middle of a run, and the next runners recover once its lease expires.
 * Skips visibly where the cluster cannot start; under CI=true it must run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import mysql from 'mysql2/promise'
import { type GaleraCluster, galeraUnavailable, startGaleraCluster } from '../../scripts/galera-cluster.mjs'
import type { TestDatabase } from '../support/databases.js'
import type { UserProject } from '../support/project.js'
import { EFFECT_COUNTS_SQL, effectCounts, writeEffectRevisions } from '../support/effects.js'
import { Scenario, linkUserProject } from '../support/safe-project.js'

const ROUNDS = Number(process.env.STRATA_GALERA_ROUNDS ?? 20)
const MIGRATIONS = 4
const RUNNERS_PER_NODE = 5
/**
 * Fifteen strata processes starting at once on a small machine can block one's event loop (TypeScript loading)
 * for seconds, and a lease that is not renewed in time is lost (correctly: that run then stops). 10 s keeps the
 * holder's renewals inside the lease here; the SIGKILL case waits that long for the dead lease to expire.
 */
const LEASE_SECONDS = 10

async function query<T>(url: string, sql: string): Promise<T[]> {
  const conn = await mysql.createConnection({ uri: url })
  try {
    // Read what the whole cluster has committed, not only what this node has applied so far.
    await conn.query('SET SESSION wsrep_sync_wait = 1')
    const [rows] = await conn.query(sql)
    return rows as T[]
  } finally {
    await conn.end()
  }
}

/** One scenario folder per node, all with the same revisions, on database `name`. */
function scenarios(project: UserProject, cluster: GaleraCluster, name: string, write: (s: Scenario) => void): Scenario[] {
  return cluster.nodes.map((node) => {
    const url = `${node.url}/${name}`
    const db: TestDatabase = { dialect: 'mysql', url, dir: project.dir, drop: async () => undefined }
    const s = new Scenario(project, `${name}-node${node.index}`, db)
    s.write('strata.config.ts', `import { defineConfig } from 'strata-db'\nexport default defineConfig({ url: ${JSON.stringify(url)}, schema: './schema.ts', lockLease: ${LEASE_SECONDS}, lockTimeout: 120 })\n`)
    s.write('schema.ts', 'export {}\n')
    write(s)
    return s
  })
}

const slowStep = (step: number) => (n: number) => (n === step ? '  await op.execute(`SELECT SLEEP(${Number(process.env.SLOW ?? 0)})`)\n' : '')

/** Per node: schema, version rows and history, to compare across nodes. */
async function nodeState(url: string, database: string): Promise<string> {
  const columns = await query<{ t: string; c: string; ty: string }>(
    url,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${database}' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  )
  const versions = await query<{ version_num: string }>(url, `SELECT version_num FROM ${database}.strata_version ORDER BY version_num`)
  const history = await query<{ revision: string; direction: string; status: string }>(url, `SELECT revision, direction, status FROM ${database}.strata_history ORDER BY id`)
  return JSON.stringify({ columns, versions, history })
}

async function checkRound(cluster: GaleraCluster, database: string, ids: string[]): Promise<void> {
  const first = cluster.nodes[0]!.url
  const counts = effectCounts(await query(first, EFFECT_COUNTS_SQL.replace('FROM effects', `FROM ${database}.effects`)))
  assert.deepEqual(counts, ids.map((id) => `${id}:1`), `${database}: every migration ran exactly once`)
  const states = await Promise.all(cluster.nodes.map((n) => nodeState(n.url, database)))
  assert.equal(states[1], states[0], `${database}: node 2 differs from node 1`)
  assert.equal(states[2], states[0], `${database}: node 3 differs from node 1`)
  const state = JSON.parse(states[0]!) as { versions: { version_num: string }[]; history: { status: string }[] }
  assert.deepEqual(
    state.versions.map((v) => v.version_num),
    [ids.at(-1)],
  )
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('MariaDB Galera cluster (3 nodes): the lease lock', async () => {
  const missing = galeraUnavailable()
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`Galera cannot run in CI: ${missing}`)
    console.log(`# SKIP galera: ${missing}`)
    return
  }
  let cluster: GaleraCluster | undefined
  let startError: unknown
  let project: UserProject
  before(async () => {
    project = linkUserProject('galera')
    try {
      cluster = await startGaleraCluster()
    } catch (error) {
      startError = error
    }
  })
  after(async () => {
    await cluster?.stop()
    project?.remove()
  })

  const ready = (t: { skip(message: string): void }): GaleraCluster | undefined => {
    if (cluster) return cluster
    const reason = `the Galera cluster did not start: ${(startError as Error)?.message ?? startError}`
    if (process.env.CI === 'true') throw new Error(reason)
    console.log(`# SKIP ${reason}`)
    t.skip(reason)
    return undefined
  }

  it(`GET_LOCK on two nodes at once: both get it (why strata must not rely on it)`, async (t) => {
    const c = ready(t)
    if (!c) return
    const a = await mysql.createConnection({ uri: c.nodes[0]!.url })
    const b = await mysql.createConnection({ uri: c.nodes[1]!.url })
    try {
      const [[ra]] = (await a.query(`SELECT GET_LOCK('strata_probe', 0) AS got`)) as unknown as [{ got: number }[]]
      const [[rb]] = (await b.query(`SELECT GET_LOCK('strata_probe', 0) AS got`)) as unknown as [{ got: number }[]]
      assert.deepEqual([Number(ra!.got), Number(rb!.got)], [1, 1])
    } finally {
      await a.end()
      await b.end()
    }
  })

  it(`${ROUNDS} rounds of 3 × ${RUNNERS_PER_NODE} concurrent runners: each migration once, identical nodes`, async (t) => {
    const c = ready(t)
    if (!c) return
    for (let round = 1; round <= ROUNDS; round++) {
      const database = `strata_galera_r${round}`
      await query(c.nodes[0]!.url, `CREATE DATABASE ${database}`)
      let ids: string[] = []
      const folders = scenarios(project, c, database, (s) => (ids = writeEffectRevisions(s, { count: MIGRATIONS, prefix: 'g' })))
      const runs = folders.flatMap((s) =>
        Array.from({ length: RUNNERS_PER_NODE }, async () => {
          await sleep(Math.random() * 300)
          const t0 = Date.now()
          const r = await s.strata(['upgrade', 'head'])
          if (process.env.STRATA_GALERA_TRACE) console.log(`#   runner ${Date.now() - t0} ms ${r.stdout.split('\n').filter((l) => l.startsWith('Running')).length} steps`)
          return r
        }),
      )
      const started = Date.now()
      const results = await Promise.all(runs)
      if (process.env.STRATA_GALERA_TRACE) console.log(`# ${database}: ${Date.now() - started} ms`)
      for (const r of results) assert.equal(r.code, 0, `${database}: exit ${r.code}: ${r.stderr}`)
      assert.ok(
        results.every((r) => /using the table lock/.test(r.stdout)),
        'every runner says it uses the table lock',
      )
      await checkRound(c, database, ids)
    }
  })

  it('the lock holder is SIGKILLed mid-run: the next runners take over its expired lease and reach head once', async (t) => {
    const c = ready(t)
    if (!c) return
    const database = 'strata_galera_killed'
    await query(c.nodes[0]!.url, `CREATE DATABASE ${database}`)
    let ids: string[] = []
    const folders = scenarios(project, c, database, (s) => (ids = writeEffectRevisions(s, { count: MIGRATIONS, prefix: 'k', before: slowStep(3) })))
    const victim = folders[0]!.spawn(['upgrade', 'head'], { SLOW: '60' })
    const deadline = Date.now() + 60_000
    while (!victim.output().includes('step 2') && Date.now() < deadline) await sleep(50)
    assert.ok(victim.output().includes('step 2'), `the victim ran its first steps: ${victim.output()}`)
    await sleep(500) // inside step 3's SELECT SLEEP
    victim.child.kill('SIGKILL')
    assert.equal((await victim.done).code, -1)
    const results = await Promise.all(folders.flatMap((s) => Array.from({ length: RUNNERS_PER_NODE }, () => s.strata(['upgrade', 'head']))))
    for (const r of results) assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
    assert.equal(results.filter((r) => /Took over the migration lock from .*lease expired/.test(r.stdout)).length, 1, 'exactly one runner took over the dead lease')
    await checkRound(c, database, ids)
  })
})
