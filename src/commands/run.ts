import { type RunOptions, type RunResult, runMigrations, stampVersions } from '../runtime/runner.js'
import { type ConfigInput, type ProjectOptions, resolveProject, runEnvironment } from './project.js'

export interface UpgradeOptions extends RunOptions, ProjectOptions {}

/** `strata upgrade TARGET`: applies every revision up to the target. */
export async function upgrade(config: ConfigInput, target = 'head', options: UpgradeOptions = {}): Promise<RunResult> {
  const env = await runEnvironment(await resolveProject(config), options)
  return runMigrations(env, 'up', target, options)
}

/** `strata downgrade TARGET`: reverts revisions down to the target. */
export async function downgrade(config: ConfigInput, target: string, options: UpgradeOptions = {}): Promise<RunResult> {
  const env = await runEnvironment(await resolveProject(config), options)
  return runMigrations(env, 'down', target, options)
}

/** `strata stamp REVS…`: sets the version rows without running migrations. Returns the new rows. */
export async function stamp(config: ConfigInput, targets: string[], options: UpgradeOptions & { purge?: boolean } = {}): Promise<string[]> {
  const env = await runEnvironment(await resolveProject(config), options)
  return stampVersions(env, targets, options.purge ?? false, options)
}
