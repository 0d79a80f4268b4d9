/**
 * `strata --help` printed from the text the build rendered (no commander at start-up) is exactly what commander
 * prints, and every other form of help still goes through commander.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { HELP_WIDTH, buildProgram } from '../../src/cli/program.js'
import { REPO } from '../support/project.js'

/** The bin npm links as `strata` (a CommonJS file: see src/cli/bin.cts). */
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: { strata: string } }).bin.strata)
const run = (args: string[], bin = BIN) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

describe('strata --help', () => {
  it('the pre-rendered text is what commander renders', () => {
    const expected = buildProgram().configureHelp({ helpWidth: HELP_WIDTH }).helpInformation()
    assert.equal(run(['--help']), expected)
    assert.equal(run(['-h']), expected)
  })

  it('dist/cli/bin.js, the ES module path older links use, is the same command', () => {
    const legacy = join(REPO, 'dist', 'cli', 'bin.js')
    assert.equal(run(['--help'], legacy), run(['--help']))
    assert.match(run(['--version'], legacy), /^\d+\.\d+\.\d+/)
  })

  it('help for a command still comes from commander', () => {
    assert.match(run(['upgrade', '--help']), /^Usage: strata upgrade \[options\] \[target\]/)
    assert.match(run(['help', 'heads']), /^Usage: strata heads \[options\]/)
  })
})
