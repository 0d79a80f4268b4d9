/**
 * `strata --help` printed from the text the build rendered (no commander at start-up) is exactly what commander
 * prints, and every other form of help still goes through commander.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { HELP_WIDTH, buildProgram } from '../../src/cli/program.js'
import { REPO } from '../support/project.js'

const BIN = join(REPO, 'dist', 'cli', 'bin.js')
const run = (args: string[]) => execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

describe('strata --help', () => {
  it('the pre-rendered text is what commander renders', () => {
    const expected = buildProgram().configureHelp({ helpWidth: HELP_WIDTH }).helpInformation()
    assert.equal(run(['--help']), expected)
    assert.equal(run(['-h']), expected)
  })

  it('help for a command still comes from commander', () => {
    assert.match(run(['upgrade', '--help']), /^Usage: strata upgrade \[options\] \[target\]/)
    assert.match(run(['help', 'heads']), /^Usage: strata heads \[options\]/)
  })
})
