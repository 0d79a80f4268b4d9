// Preloaded (`node -r`) into a timed process by bench/upgrade-chain.mjs: at exit, prints one line with the CPU time
// of the main thread and of all other threads together (V8's optimizing compiler and GC helpers, libuv's pool),
// read from /proc (Linux only). Preloading changes no V8 flag, so the code caches stay valid.
const { readFileSync, writeSync } = require('node:fs')

/** utime + stime in ms (clock ticks of 10 ms) from a /proc stat file. */
function cpuMs(statFile) {
  const stat = readFileSync(statFile, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

process.on('exit', () => {
  // The process's own figure also counts threads that have already ended; the main thread's is its task's.
  const total = cpuMs('/proc/self/stat')
  const main = cpuMs(`/proc/self/task/${process.pid}/stat`)
  writeSync(2, `\nthread-cpu main=${main} helpers=${total - main}\n`)
})
