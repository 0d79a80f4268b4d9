import { createRequire } from 'node:module'
import type * as Commander from 'commander'
import { UsageError, errorJson } from '../errors.js'
import { packageVersion } from '../runtime/package-version.js'
import { type GlobalOptions, printJson, reportError, stdout } from './output.js'

// commander is CommonJS: require() loads it without Node's ES-module interop, which would first load and run its
// CommonJS export scanner (cjs-module-lexer), about 4 ms of every command's start-up.
const { Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof Commander
type Command = Commander.Command

type Action = (args: string[], options: Record<string, unknown>, globals: GlobalOptions) => Promise<number | void>

/** Set once a command's options are parsed: its failure is then also printed as JSON (see reportError). */
let jsonRequested: boolean | undefined

/** Loads a command's implementation only when it runs, so `--help` and `current` start fast. */
function lazy(load: () => Promise<{ action: Action }>, argCount = 0) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command
    const options = params[params.length - 2] as Record<string, unknown>
    const args = params.slice(0, argCount).flat() as string[]
    const globals = command.optsWithGlobals() as GlobalOptions
    jsonRequested = options.json === true
    applyTimeoutOptions(globals)
    const code = await (await load()).action(args.filter((a) => a !== undefined), options, globals)
    process.exitCode = typeof code === 'number' ? code : 0
  }
}

/**
 * `--connect-timeout` and `--statement-timeout` override the config's bounds; they travel through the same
 * environment variables a CI job may set (STRATA_CONNECT_TIMEOUT, STRATA_STATEMENT_TIMEOUT).
 */
function applyTimeoutOptions(globals: GlobalOptions): void {
  const flags = [
    ['--connect-timeout', globals.connectTimeout, 'STRATA_CONNECT_TIMEOUT'],
    ['--statement-timeout', globals.statementTimeout, 'STRATA_STATEMENT_TIMEOUT'],
  ] as const
  for (const [flag, value, variable] of flags) {
    if (value === undefined) continue
    const seconds = Number(value)
    if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${flag} must be a number of seconds, got '${value}'`)
    process.env[variable] = String(seconds)
  }
}

/** `--all` and `--concurrency` of a fleet verb. */
function fleetFlags(command: Command, doing: string): Command {
  return command
    .option('--all', "every database of the fleet (config 'databases' / 'tenantSchemas')")
    .option('--concurrency <n>', `with --all: databases ${doing} at once (default 4)`)
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `upgrade` and `downgrade`: the same options, a different direction. */
function defineRun(program: Command, direction: 'upgrade' | 'downgrade'): void {
  const command = program.command(direction)
  if (direction === 'upgrade')
    fleetFlags(command, 'migrated')
      .option('--continue-on-error', 'with --all: keep starting databases after one failed')
      .option('--json', 'with --all: print the summary as JSON')
  command
    .description(direction === 'upgrade' ? 'apply revisions up to TARGET (default head)' : 'revert revisions down to TARGET')
    .argument(direction === 'upgrade' ? '[target]' : '<target>', 'head, heads, base, an id, label@head, +N, -N, FROM:TO with --sql…')
    .option('--sql', 'print the SQL script instead of running it (offline; FROM:TO ranges)')
    .option('--dialect <name>', 'dialect for --sql when the URL is not set (sqlite, postgresql, mysql)')
    .addOption(new Option('--transaction-mode <mode>', 'all | each | none').choices(['all', 'each', 'none']))
    .option('--lock-timeout <seconds>', 'seconds to wait for the migration lock')
    .option('--ddl-lock-timeout <duration>', "bound on each statement's wait for a table lock ('2s', '500ms'; 0: off), then retry")
    .option('--ddl-lock-retries <n>', 'retries of a statement cancelled by --ddl-lock-timeout (default 3)')
    .option('--allow-changed', 'run even if an applied revision file changed since it ran')
    .option('--restart-step', 'redo a step that stopped part-way from its first statement instead of resuming')
    .option('--resume-skip', 'after an interrupted run: the statement that was running did take effect (skip it)')
    .option('--resume-redo', 'after an interrupted run: the statement that was running did not take effect (run it)')
    .option('--url <url>', 'database URL (overrides the config)')
    .action(lazy(() => import('./actions/run.js').then((m) => ({ action: m.actionFor(direction) })), 1))
}

/**
 * Every command, by name, in the order `--help` lists them. A command line that names one defines only it: defining
 * all of them costs a few milliseconds of every start.
 */
const COMMANDS = {
  init: (program) => {
    program
      .command('init')
      .description('write strata.config.ts and a migrations/ folder')
      .argument('[directory]', 'migrations folder', 'migrations')
      .option('--url <url>', 'database URL to write into the config')
      .option('--schema <path>', 'schema file to write into the config (default ./src/db/schema.ts)')
      .option('--from-database', 'adopt the database at --url: pull the schema file, make a baseline revision, stamp it')
      .option('--rev-id <id>', "with --from-database: the baseline's revision id")
      .action(lazy(() => import('./actions/init.js'), 1))
  },
  revision: (program) => {
    program
      .command('revision')
      .description('create a revision file (blank, or --autogenerate from the schema)')
      .option('-m, --message <message>', 'what the revision does', '')
      .option('--autogenerate', 'detect changes between the schema files and the database')
      .option('--baseline', 'first revision of an existing database: creates its whole schema, then stamps the database at it')
      .option('--head <rev>', "parent revision ('base' starts a new root)")
      .option('--splice', 'allow a parent that is not a head (start a branch)')
      .option('--branch-label <label>', 'label for a new branch (repeatable)', collect)
      .option('--depends-on <rev>', 'revision or label this one depends on (repeatable)', collect)
      .option('--rev-id <id>', 'use this revision id instead of a random one')
      .option('--rename <old=new>', 'rename hint: table=new_table or table.column=new_column (repeatable)', collect)
      .option('--allow-empty', 'write a file even when autogenerate detects nothing')
      .option('--json', 'print the detected changes as JSON')
      .option('--url <url>', 'database URL (overrides the config)')
      .action(lazy(() => import('./actions/revision.js')))
  },
  merge: (program) => {
    program
      .command('merge')
      .description('create a merge revision joining two or more revisions (or: heads)')
      .argument('<revisions...>', "revisions to merge, or 'heads'")
      .option('-m, --message <message>', 'message')
      .option('--rev-id <id>', 'revision id')
      .option('--branch-label <label>', 'branch label (repeatable)', collect)
      .action(lazy(() => import('./actions/merge.js'), 1))
  },
  squash: (program) => {
    program
      .command('squash')
      .description('replace the linear range FROM..TO with one revision (its net schema change)')
      .argument('<from>', 'first revision of the range')
      .argument('<to>', 'last revision of the range')
      .option('-m, --message <message>', 'message of the new revision')
      .option('--rev-id <id>', 'revision id')
      .option('--url <url>', 'database URL: chooses the dialect (overrides the config)')
      .action(lazy(() => import('./actions/squash.js'), 2))
  },
  upgrade: (program) => defineRun(program, 'upgrade'),
  downgrade: (program) => defineRun(program, 'downgrade'),
  stamp: (program) => {
    program
      .command('stamp')
      .description('set the version table to REVS without running migrations')
      .argument('<revisions...>', 'revisions (or heads, base)')
      .option('--purge', 'delete every version row first')
      .option('--sql', 'print the SQL instead of running it (from an empty database, or one FROM:TO argument)')
      .option('--dialect <name>', 'dialect for --sql when the URL is not set (sqlite, postgresql, mysql)')
      .option('--lock-timeout <seconds>', 'seconds to wait for the migration lock')
      .option('--url <url>', 'database URL (overrides the config)')
      .action(lazy(() => import('./actions/stamp.js'), 1))
  },
  lint: (program) => {
    program
      .command('lint')
      .description('check revisions against the lint rules (default: those not applied yet); exit 1 on an error')
      .argument('[range]', "FROM:TO (e.g. 'base:head' for every revision)")
      .option('--json', 'JSON output')
      .option('--database', 'connect and add row, NULL and duplicate counts')
      .option('--dialect <name>', 'dialect to lint for when no URL is set (sqlite, postgresql, mysql)')
      .option('--url <url>', 'database URL (overrides the config)')
      .action(lazy(() => import('./actions/lint.js'), 1))
  },
  current: (program) => {
    const current = program
      .command('current')
      .description('show the revision(s) the database is at')
      .option('-v, --verbose', 'also show the URL and the revision details')
      .option('--json', 'JSON output')
      .option('--url <url>', 'database URL (overrides the config)')
    fleetFlags(current, 'read').action(lazy(() => import('./actions/current.js')))
  },
  history: (program) => {
    const historyCommand = program
      .command('history')
      .description('list revisions, newest first')
      .option('-r, --rev-range <range>', 'A:B (either side may be current, base, heads, relative)')
      .option('-v, --verbose', 'show every detail')
      .option('-i, --indicate-current', 'mark the current revision(s)')
      .option('--graph', 'draw the revision graph')
      .option('--applied', 'show the steps recorded in strata_history instead')
      .option('--json', 'JSON output')
      .option('--url <url>', 'database URL (overrides the config)')
    fleetFlags(historyCommand, 'read').action(lazy(() => import('./actions/history.js')))
  },
  heads: (program) => {
    program
      .command('heads')
      .description('show the head revisions')
      .option('-v, --verbose', 'more detail')
      .option('--json', 'JSON output')
      .action(lazy(() => import('./actions/heads.js')))
  },
  branches: (program) => {
    program
      .command('branches')
      .description('show branch points')
      .option('-v, --verbose', 'more detail')
      .option('--json', 'JSON output')
      .action(lazy(() => import('./actions/branches.js')))
  },
  show: (program) => {
    program
      .command('show')
      .description('show one revision')
      .argument('<revision>', 'revision id, prefix, label or head')
      .option('--json', 'JSON output')
      .action(lazy(() => import('./actions/show.js'), 1))
  },
  pull: (program) => {
    program
      .command('pull')
      .description('write the schema file from the database (tables, keys, indexes, enums…)')
      .option('--out <file>', "file to write (default: the config's schema file)")
      .option('--force', 'overwrite the file if it exists')
      .option('--url <url>', 'database URL (overrides the config)')
      .action(lazy(() => import('./actions/pull.js')))
  },
  check: (program) => {
    const checkCommand = program
      .command('check')
      .description('exit 1 and list the differences when the schema and the database disagree (the database must be at the heads)')
      .option('--allow-behind', 'for a database behind the heads: compare it with the schema its applied revisions define')
      .option('--replay', 'replay the whole history on a throwaway in-memory database (PGlite, for PostgreSQL) and compare that instead')
      .option('--json', 'JSON output')
      .option('--url <url>', 'database URL (overrides the config)')
    fleetFlags(checkCommand, 'compared').action(lazy(() => import('./actions/check.js')))
  },
  verify: (program) => {
    const verifyCommand = program
      .command('verify')
      .description('exit 1 when an applied revision file changed since it ran')
      .option('--json', 'JSON output')
      .option('--url <url>', 'database URL (overrides the config)')
    fleetFlags(verifyCommand, 'verified').action(lazy(() => import('./actions/verify.js')))
  },
} satisfies Record<string, (program: Command) => void>

type CommandName = keyof typeof COMMANDS

/**
 * The command a command line runs, when it is one of strata's: the first word that is not a global option of
 * `program` or its value. Undefined for help, --version, an unknown word or none (commander then needs every
 * command to answer).
 */
export function invokedCommand(args: readonly string[], program: Command): CommandName | undefined {
  const takesValue = new Set(program.options.filter((option) => option.required || option.optional).flatMap((option) => [option.short, option.long]))
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V' || arg === '--') return undefined
    if (takesValue.has(arg)) i++
    else if (!arg.startsWith('-')) return Object.hasOwn(COMMANDS, arg) ? (arg as CommandName) : undefined
  }
  return undefined
}

/** The width `--help` is pre-rendered for by the build (commander's width when stdout is not a terminal). */
export const HELP_WIDTH = 80

/** The program with its global options and no command yet. */
export function rootProgram(): Command {
  return new Command('strata')
    .description('Schema migrations for TypeScript: autogenerate, a revision graph, SQLite, PostgreSQL and MySQL.')
    .option('-c, --config <path>', 'config file (default: strata.config.ts, or STRATA_CONFIG)')
    .option('--verbose', 'show stack traces and more detail')
    .option('--connect-timeout <seconds>', 'give up connecting after this long (default 10; 0: no bound)')
    .option('--statement-timeout <seconds>', 'stop when one statement takes longer (default 0: no bound)')
    .version(packageVersion(), '-V, --version', 'print the version of strata')
    .showHelpAfterError('(run with --help for usage)')
    // Set before the subcommands are added: they inherit it. Usage errors then exit 2, not 1.
    .exitOverride()
}

/** The program with every command, or only `only`. */
export function buildProgram(only?: CommandName, program = rootProgram()): Command {
  for (const [name, define] of Object.entries(COMMANDS)) if (only === undefined || only === name) define(program)

  return program
}

export async function main(argv: string[]): Promise<number> {
  const root = rootProgram()
  const program = buildProgram(invokedCommand(argv.slice(2), root), root)
  program.configureOutput({ writeOut: (s) => stdout().write(s), writeErr: (s) => process.stderr.write(s) })
  const verbose = argv.includes('--verbose')
  jsonRequested = undefined
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    // Before a command's options are parsed (a usage error), --json anywhere on the line asks for JSON.
    const json = jsonRequested ?? argv.includes('--json')
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0
      // Commander has printed its message on stderr already.
      if (json) printJson(errorJson(new UsageError(error.message), error.message.replace(/^error:\s*/, '')))
      return 2
    }
    return reportError(error, verbose, json)
  }
}
