/**
 * One project with strata-db installed by npm from the repository (as `createUserProject` does), shared by a test
 * file's dialects, each working in its own sub-folder. The install runs asynchronously: a synchronous npm install
 * would block the event loop for seconds and time out the database probes of `describeEachDialect`.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO, UserProject } from './project.js'

const run = promisify(execFile)

export async function installProject(label: string): Promise<UserProject> {
  const dir = mkdtempSync(join(tmpdir(), `strata-e2e-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }, null, 2))
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', REPO], { cwd: dir })
  return new UserProject(dir)
}

/** A sub-folder of an installed project that resolves the same node_modules (strata-db and its bin). */
export function subProject(installed: UserProject, name: string): UserProject {
  const dir = join(installed.dir, name)
  mkdirSync(dir, { recursive: true })
  symlinkSync(join('..', 'node_modules'), join(dir, 'node_modules'))
  return new UserProject(dir)
}
