#!/usr/bin/env node
/**
 * A private 3-node MariaDB Galera cluster on 127.0.0.1 for tests: its own ports and data folders under one temp
 * folder, never touching the shared server. Node 1 bootstraps (--wsrep-new-cluster); nodes 2 and 3 join once it
 * is Synced, by rsync state transfer. As root the stock wsrep_sst_rsync fails (the joiner's rsync daemon drops to
 * `nobody` and cannot enter the 0700 data folder), so a copy whose rsyncd config sets uid/gid root is used, named
 * by --wsrep_sst_method=rsync_root.
 *
 *   node scripts/galera-cluster.mjs start [DIR]   prints {"dir","nodes":[{"port","url"}…]} once all three are Synced
 *   node scripts/galera-cluster.mjs stop DIR      stops the cluster started in DIR and removes DIR
 *
 * Tests import startGaleraCluster()/stopGaleraCluster() instead.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PROVIDER = '/usr/lib/galera/libgalera_smm.so'
const SST_SCRIPT = '/usr/bin/wsrep_sst_rsync'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function which(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim()
}

/** Why a cluster cannot start here, or undefined. */
export function galeraUnavailable() {
  if (!existsSync(PROVIDER)) return `${PROVIDER} is missing (install galera-4)`
  if (!existsSync(SST_SCRIPT)) return `${SST_SCRIPT} is missing (install mariadb-server)`
  if (!which('mariadbd')) return 'mariadbd is not installed (install mariadb-server)'
  if (!which('mariadb-install-db')) return 'mariadb-install-db is not installed (install mariadb-server)'
  if (!which('rsync')) return 'rsync is not installed (install rsync)'
  return undefined
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** The state-transfer script, as a copy whose rsync daemon stays root. */
function installSstScript(binDir) {
  mkdirSync(binDir, { recursive: true })
  const source = readFileSync(SST_SCRIPT, 'utf8')
  if (!source.includes('use chroot = no')) throw new Error(`${SST_SCRIPT} has an unexpected layout (no 'use chroot = no')`)
  writeFileSync(join(binDir, 'wsrep_sst_rsync_root'), source.replace('use chroot = no', 'use chroot = no\nuid = root\ngid = root'))
  chmodSync(join(binDir, 'wsrep_sst_rsync_root'), 0o755)
  copyFileSync('/usr/bin/wsrep_sst_common', join(binDir, 'wsrep_sst_common'))
}

function nodeArgs(dir, node, nodes, bootstrap) {
  const data = join(dir, `node${node.index}`)
  const peers = nodes.map((n) => `127.0.0.1:${n.gmcast}`).join(',')
  return [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${join(dir, `node${node.index}.sock`)}`,
    `--pid-file=${join(dir, `node${node.index}.pid`)}`,
    `--log-error=${join(dir, `node${node.index}.err`)}`,
    `--tmpdir=${join(dir, 'tmp')}`,
    `--port=${node.port}`,
    '--bind-address=127.0.0.1',
    '--user=root',
    '--skip-name-resolve',
    '--binlog_format=ROW',
    '--default_storage_engine=InnoDB',
    '--innodb_autoinc_lock_mode=2',
    '--innodb_buffer_pool_size=32M',
    '--innodb_log_file_size=16M',
    '--innodb_flush_log_at_trx_commit=0',
    '--performance_schema=OFF',
    '--wsrep_on=ON',
    `--wsrep_provider=${PROVIDER}`,
    '--wsrep_cluster_name=strata_test',
    `--wsrep_cluster_address=gcomm://${peers}`,
    `--wsrep_node_name=node${node.index}`,
    `--wsrep_node_address=127.0.0.1:${node.gmcast}`,
    `--wsrep_node_incoming_address=127.0.0.1:${node.port}`,
    `--wsrep_provider_options=gmcast.listen_addr=tcp://127.0.0.1:${node.gmcast};ist.recv_addr=127.0.0.1:${node.ist};gcache.size=32M`,
    `--wsrep_sst_receive_address=127.0.0.1:${node.sst}`,
    '--wsrep_sst_method=rsync_root',
    '--wsrep_slave_threads=2',
    ...(bootstrap ? ['--wsrep-new-cluster'] : []),
  ]
}

function client(dir, node, sql) {
  return spawnSync('mariadb', [`--socket=${join(dir, `node${node.index}.sock`)}`, '-uroot', '-N', '-B', '-e', sql], { encoding: 'utf8', timeout: 10_000 })
}

async function waitSynced(dir, node, child, deadline) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`galera node ${node.index} exited (${child.exitCode}); see ${join(dir, `node${node.index}.err`)}`)
    const r = client(dir, node, "SHOW STATUS LIKE 'wsrep_local_state_comment'")
    if (r.status === 0 && /\bSynced\b/.test(r.stdout)) return
    if (Date.now() > deadline) throw new Error(`galera node ${node.index} not Synced in time; see ${join(dir, `node${node.index}.err`)}`)
    await sleep(250)
  }
}

/**
 * Starts the cluster; resolves once all three nodes are Synced. `timeoutMs` bounds the whole start (default 120 s).
 * Returns { dir, nodes: [{ index, port, url }], stop() }.
 */
export async function startGaleraCluster(options = {}) {
  const reason = galeraUnavailable()
  if (reason) throw new Error(reason)
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'strata-galera-'))
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  const binDir = join(dir, 'bin')
  installSstScript(binDir)
  const nodes = []
  for (let index = 1; index <= 3; index++) nodes.push({ index, port: await freePort(), gmcast: await freePort(), ist: await freePort(), sst: await freePort() })
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${join(dir, 'node1')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  )
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`)
  for (const n of nodes.slice(1)) mkdirSync(join(dir, `node${n.index}`), { recursive: true })
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` }
  const children = []
  const stop = () => stopChildren(dir, children)
  try {
    for (const node of nodes) {
      const child = spawn('mariadbd', nodeArgs(dir, node, nodes, node.index === 1), { env, stdio: 'ignore', detached: false })
      children.push(child)
      await waitSynced(dir, node, child, deadline)
      if (node.index === 1) {
        // Remote root over TCP without a password, like the shared test server.
        const grant = client(dir, node, "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;")
        if (grant.status !== 0) throw new Error(`cannot grant root@127.0.0.1: ${grant.stderr}`)
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
  writeFileSync(join(dir, 'pids'), children.map((c) => c.pid).join('\n'))
  return {
    dir,
    nodes: nodes.map((n) => ({ index: n.index, port: n.port, url: `mysql://root@127.0.0.1:${n.port}` })),
    stop: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function stopChildren(dir, children) {
  // Joiners first, the bootstrap node last: each leaves the cluster cleanly.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null) continue
    child.kill('SIGTERM')
    const killAt = Date.now() + 20_000
    while (child.exitCode === null && child.signalCode === null && Date.now() < killAt) await sleep(100)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

/** Stops a cluster started by `start` in another process (by the pids it recorded), and removes its folder. */
export async function stopGaleraCluster(dir) {
  const file = join(dir, 'pids')
  if (existsSync(file)) {
    const pids = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number).reverse()
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {
        continue
      }
      const killAt = Date.now() + 20_000
      while (Date.now() < killAt) {
        try {
          process.kill(pid, 0)
        } catch {
          break
        }
        await sleep(100)
      }
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, dir] = process.argv.slice(2)
  if (command === 'start') {
    const cluster = await startGaleraCluster(dir ? { dir } : {})
    console.log(JSON.stringify({ dir: cluster.dir, nodes: cluster.nodes }))
    // The servers are children of this process: detach from them so that they outlive it.
    process.exit(0)
  } else if (command === 'stop' && dir) {
    await stopGaleraCluster(dir)
  } else {
    console.error('usage: galera-cluster.mjs start [DIR] | stop DIR')
    process.exit(2)
  }
}
