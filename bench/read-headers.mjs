// The reference for issue 16's "not growing beyond reading headers": the least a tool can do to know a history's
// heads without an index. It lists the versions folder, reads the first 1 KB of every revision file, takes
// `revision` and `downRevision` from it, and prints the heads. bench/targets.mjs compares how much strata's read
// commands grow from N/10 to N revisions with how much this grows.
import { closeSync, openSync, readSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const folder = process.argv[2]
const buffer = Buffer.alloc(1024)
const parents = new Map()
for (const name of readdirSync(folder)) {
  if (!name.endsWith('.ts')) continue
  const fd = openSync(join(folder, name), 'r')
  const length = readSync(fd, buffer, 0, buffer.length, 0)
  closeSync(fd)
  const head = buffer.toString('utf8', 0, length)
  const revision = /export const revision = '([^']*)'/.exec(head)?.[1]
  const down = /export const downRevision = (?:'([^']*)'|null)/.exec(head)?.[1] ?? null
  if (revision) parents.set(revision, down)
}
const referenced = new Set(parents.values())
console.log([...parents.keys()].filter((id) => !referenced.has(id)).join('\n'))
