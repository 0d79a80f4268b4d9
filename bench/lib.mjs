// Shared helpers for the benchmarks: temp projects that resolve strata-db to this repository, timing, memory.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir, cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')

// NODE_EXTRA_CA_CERTS makes every Node process parse that certificate bundle when it starts, whether or not it
// ever opens a TLS connection: with Debian's full bundle that is ~416 M instructions, four fifths of `node -e 0`
// (measured with callgrind on Node 20). It is an artefact of the machine (sandboxes and corporate proxies set it),
// not of the tools compared, and it hides start-up costs, so the processes the benches time run without it, the
// same for strata, `node -e 0`, raw and the peers. BENCH_KEEP_CA_CERTS=1 keeps it.
if (process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.BENCH_KEEP_CA_CERTS !== '1') {
  delete process.env.NODE_EXTRA_CA_CERTS
  process.env.BENCH_CA_CERTS_REMOVED = '1'
}
export const BIN = join(REPO, 'dist', 'cli', 'bin.cjs')

/** A temp project whose node_modules/strata-db links to this repository (like `npm install ../strata`). */
export function makeProject(label, { url, schema = 'export {}\n' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `strata-bench-${label}-`))
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(REPO, join(dir, 'node_modules', 'strata-db'))
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  writeFileSync(join(dir, 'schema.ts'), schema)
  writeFileSync(
    join(dir, 'strata.config.ts'),
    `export default { url: ${JSON.stringify(url ?? 'sqlite:///./bench.sqlite')}, schema: './schema.ts', migrations: './migrations' }\n`,
  )
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs the strata CLI; returns wall seconds and peak RSS (MB) from /usr/bin/time when available. */
export function runCli(dir, args, { env = {} } = {}) {
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  })
  const seconds = (performance.now() - t0) / 1000
  if (r.error) {
    // no /usr/bin/time: run directly
    const t1 = performance.now()
    const d = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 })
    return { seconds: (performance.now() - t1) / 1000, peakMb: null, status: d.status, stdout: d.stdout, stderr: d.stderr }
  }
  const lines = r.stderr.trim().split('\n')
  const peakKb = Number(lines[lines.length - 1])
  return { seconds, peakMb: Number.isFinite(peakKb) ? peakKb / 1024 : null, status: r.status, stdout: r.stdout, stderr: lines.slice(0, -1).join('\n') }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

export function machine() {
  const certs = process.env.BENCH_CA_CERTS_REMOVED === '1' ? ' (NODE_EXTRA_CA_CERTS unset for the timed processes; BENCH_KEEP_CA_CERTS=1 keeps it)' : ''
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${certs}`
}

export function revisionFile(rev, down, body, downBody) {
  return `/**
 * step ${rev}
 *
 * Revision ID: ${rev}
 * Revises: ${down ?? ''}
 */
import { type Migration, integer, varchar, timestamp } from 'strata-db'

export const revision = '${rev}'
export const downRevision = ${down ? `'${down}'` : 'null'}
export const branchLabels = null
export const dependsOn = null

export async function upgrade({ op }: Migration) {
${body}
}

export async function downgrade({ op }: Migration) {
${downBody}
}
`
}

/**
 * Where `timed` reads CPU time: `perf stat` (task-clock, to the microsecond, every thread of the process) when it
 * runs here, else /usr/bin/time (user + sys in 10 ms steps: too coarse to compare processes of 0.1–0.3 s).
 */
export const CPU_SOURCE = perfStatWorks() ? 'perf stat' : '/usr/bin/time'

function perfStatWorks() {
  const r = perfTimed([process.execPath, '-e', '0'], undefined)
  return r.status === 0 && Number.isFinite(r.cpu) && Number.isFinite(r.wall)
}

/** One process under `perf stat`; perf writes its figures to a file of its own, so the process's stderr stays its own. */
function perfTimed(argv, cwd) {
  const out = join(tmpdir(), `strata-bench-perf-${process.pid}.txt`)
  const r = spawnSync('perf', ['stat', '-o', out, '-e', 'task-clock', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, LC_ALL: 'C' } })
  if (r.error) return { wall: NaN, cpu: NaN, status: null, stdout: '', stderr: String(r.error) }
  let text = ''
  try {
    text = readFileSync(out, 'utf8')
    rmSync(out, { force: true })
  } catch {}
  const cpu = Number(/([\d.]+)\s+msec\s+task-clock/.exec(text)?.[1]) / 1000
  const wall = Number(/([\d.]+)\s+seconds time elapsed/.exec(text)?.[1])
  return { wall, cpu, status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** CPU (user + sys, from CPU_SOURCE) and wall seconds of one whole process; cpu is null when nothing can tell. */
export function timed(argv, cwd) {
  if (CPU_SOURCE === 'perf stat') return perfTimed(argv, cwd)
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
  const wall = (performance.now() - started) / 1000
  if (r.error) {
    const t = performance.now()
    const plain = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    return { wall: (performance.now() - t) / 1000, cpu: null, status: plain.status, stdout: plain.stdout, stderr: plain.stderr }
  }
  const lines = r.stderr.trimEnd().split('\n')
  const [user, sys] = lines.pop().split(' ').map(Number)
  return { wall, cpu: user + sys, status: r.status, stdout: r.stdout, stderr: lines.join('\n') }
}
