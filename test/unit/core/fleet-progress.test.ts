/**
 * The fleet display without a terminal: a fake stream that says it is one (isTTY) records every write, so the
 * redraws, the failures kept above the block and the final state can be checked exactly.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FleetResult } from '../../../src/commands/fleet.js'
import { FleetProgress } from '../../../src/cli/fleet-progress.js'

function fakeStream(isTTY: boolean, columns = 40) {
  const writes: string[] = []
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) }
}

/** The writes without colour codes (picocolors colours output under CI=true), cursor movements kept. */
const withoutColours = (writes: string[]): string[] => writes.map((w) => w.replace(/\x1b\[\d+m/g, ''))

const result = (database: string, status: FleetResult['status'], error?: string): FleetResult => ({
  database,
  from: [],
  to: ['r2'],
  durationMs: 1500,
  status,
  ...(error ? { error } : {}),
})

describe('FleetProgress', () => {
  it('on a terminal: redraws the block in place, keeps failures above it, clips the running list, ends on one line', () => {
    const stream = fakeStream(true)
    const progress = new FleetProgress(stream, 0)
    progress.total = 3
    progress.start('tenant_with_a_long_name_1')
    progress.start('tenant_with_a_long_name_2')
    progress.finish(result('tenant_with_a_long_name_1', 'upgraded'))
    progress.finish(result('tenant_with_a_long_name_2', 'failed', 'boom'))
    progress.start('c')
    progress.finish(result('c', 'at target'))
    progress.end()
    assert.deepEqual(withoutColours(stream.writes), [
      '[0/3] 1 running\nrunning: tenant_with_a_long_name_1\n',
      // Clipped to the terminal's width (40 columns, less one), so the block is exactly the lines it erases next time.
      '\x1b[2A\r\x1b[J[0/3] 2 running\nrunning: tenant_with_a_long_name_1, te…\n',
      '\x1b[2A\r\x1b[J[1/3] 1 running · 1 upgraded\nrunning: tenant_with_a_long_name_2\n',
      // A failure is printed where the block was and stays; the block is redrawn below it.
      '\x1b[2A\r\x1b[JFAILED  tenant_with_a_long_name_2: boom\n[2/3] 0 running · 1 upgraded · 1 failed\n',
      '\x1b[1A\r\x1b[J[2/3] 1 running · 1 upgraded · 1 failed\nrunning: c\n',
      '\x1b[2A\r\x1b[J[3/3] 0 running · 1 upgraded · 1 failed · 1 at target\n',
      '\x1b[1A\r\x1b[J[3/3] 0 running · 1 upgraded · 1 failed · 1 at target\n',
    ])
  })

  it('elsewhere: one line per database as it finishes, nothing else', () => {
    const stream = fakeStream(false)
    const progress = new FleetProgress(stream)
    progress.total = 2
    progress.start('a')
    progress.finish(result('a', 'upgraded'))
    progress.start('b')
    progress.finish(result('b', 'failed', 'no such table'))
    progress.end()
    assert.deepEqual(withoutColours(stream.writes), ['upgraded  a: base -> r2 (1.50 s)\n', 'FAILED  b: no such table\n'])
  })
})
