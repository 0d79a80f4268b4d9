// Issue 15 bench: 200 SQLite databases brought to head (3 revisions) by `strata upgrade head --all --concurrency 8`
// versus 200 sequential `strata upgrade head --url …` runs (the shell loop it replaces). Then the rerun (all at head).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeProject, runCli } from './lib.mjs'

const COUNT = Number(process.env.BENCH_FLEET ?? 200)
const revision = (id, down, body) => `import type { Migration } from 'strata-db'
import { integer, varchar } from 'strata-db'
export const revision = '${id}'
export const downRevision = ${down ? `'${down}'` : 'null'}
export const branchLabels = null
export const dependsOn = null
export async function upgrade({ op }: Migration) {
  ${body}
}
export async function downgrade() {}
`

function project(label) {
  const p = makeProject(label)
  const databases = Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`db_${i + 1}`, `sqlite:///./db_${i + 1}.sqlite`]))
  writeFileSync(join(p.dir, 'strata.config.ts'), `export default { schema: './schema.ts', migrations: './migrations', databases: ${JSON.stringify(databases)} }\n`)
  const v = join(p.dir, 'migrations', 'versions')
  writeFileSync(join(v, 'a1_items.ts'), revision('a00000000001', null, `await op.createTable('items', { id: integer().primaryKey(), name: varchar({ length: 20 }) })`))
  writeFileSync(join(v, 'a2_seed.ts'), revision('a00000000002', 'a00000000001', `await op.bulkInsert('items', [{ id: 1, name: 'first' }])`))
  writeFileSync(join(v, 'a3_price.ts'), revision('a00000000003', 'a00000000002', `await op.addColumn('items', 'price', integer())`))
  return p
}

const check = (r) => {
  if (r.status !== 0) throw new Error(r.stderr || r.stdout)
  return r
}

console.log(`Fleet of ${COUNT} SQLite databases, 3 revisions each (wall time)`)
const fleet = project('fleet')
try {
  const all = check(runCli(fleet.dir, ['upgrade', 'head', '--all', '--concurrency', '8']))
  console.log(`  upgrade head --all --concurrency 8      : ${all.seconds.toFixed(2)} s`)
  const rerun = check(runCli(fleet.dir, ['upgrade', 'head', '--all', '--concurrency', '8']))
  console.log(`  rerun, every database at head           : ${rerun.seconds.toFixed(2)} s`)
} finally {
  fleet.remove()
}
const loop = project('loop')
try {
  let total = 0
  for (let i = 1; i <= COUNT; i++) total += check(runCli(loop.dir, ['upgrade', 'head', '--url', `sqlite:///./db_${i}.sqlite`])).seconds
  console.log(`  ${COUNT} sequential upgrade head --url runs : ${total.toFixed(2)} s`)
} finally {
  loop.remove()
}
