/**
 * The CLI defines only the command a command line names (start-up time): which word is the command, and that the
 * one-command program parses and helps exactly like the whole one.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildProgram, invokedCommand, rootProgram } from '../../../src/cli/program.js'

const root = rootProgram()

describe('the command a command line runs', () => {
  it('is the first word that is not a global option or its value', () => {
    assert.equal(invokedCommand(['current'], root), 'current')
    assert.equal(invokedCommand(['-c', 'current', 'heads'], root), 'heads')
    assert.equal(invokedCommand(['--config', 'x.ts', '--verbose', 'upgrade', 'head'], root), 'upgrade')
    assert.equal(invokedCommand(['--config=x.ts', 'downgrade', '-1'], root), 'downgrade')
    assert.equal(invokedCommand(['--connect-timeout', '5', '--statement-timeout', '0', 'check'], root), 'check')
  })

  it('is none for help, --version, an unknown word or an empty line (commander then needs them all)', () => {
    for (const args of [[], ['--help'], ['-h', 'current'], ['-V'], ['help', 'current'], ['curent'], ['--verbose'], ['--', 'current']])
      assert.equal(invokedCommand(args, root), undefined, args.join(' '))
  })

  it('every command of the whole program is one invokedCommand knows, and its help is the same alone', () => {
    const whole = buildProgram()
    assert.ok(whole.commands.length >= 16)
    for (const command of whole.commands) {
      const name = command.name()
      assert.equal(invokedCommand([name], root), name)
      const alone = buildProgram(invokedCommand([name], root))
      assert.deepEqual(alone.commands.map((c) => c.name()), [name])
      assert.equal(alone.commands[0]!.configureHelp({ helpWidth: 80 }).helpInformation(), command.configureHelp({ helpWidth: 80 }).helpInformation())
    }
  })
})
