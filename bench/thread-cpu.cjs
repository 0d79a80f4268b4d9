// Preloaded (`node -r`) into a timed process by bench/upgrade-chain.mjs: at exit, prints one line with the CPU time
// of the main thread and of all other threads together (V8's optimizing compiler and GC helpers, libuv's pool),
// read from /proc (Linux only). Preloading changes no V8 flag, so the code caches stay valid.
const { readFileSync, readdirSync, writeSync } = require('node:fs')

function threadCpuMs(task) {
  const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime, in clock ticks of 10 ms
}

process.on('exit', () => {
  let main = 0
  let helpers = 0
  for (const task of readdirSync('/proc/self/task')) {
    if (Number(task) === process.pid) main = threadCpuMs(task)
    else helpers += threadCpuMs(task)
  }
  writeSync(2, `\nthread-cpu main=${main} helpers=${helpers}\n`)
})
