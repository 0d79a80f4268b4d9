/**
 * A user's project outside the repository with strata-db installed the way a user installs it, and the built
 * `strata` binary driven as a subprocess.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export class UserProject {
  constructor(readonly dir: string) {}

  /** Runs `strata ARGS…` through the installed bin link (what `npx strata` runs). */
  strata(args: string[], env: Record<string, string> = {}, input?: string): CliResult {
    const bin = join(this.dir, 'node_modules', '.bin', 'strata')
    const result = spawnSync(bin, args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      input: input ?? '',
      timeout: 120_000,
    })
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' }
  }

  write(relativePath: string, content: string): string {
    const path = join(this.dir, relativePath)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
    return path
  }

  path(relativePath: string): string {
    return join(this.dir, relativePath)
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * A fresh project folder with strata-db installed from the repository by local path (npm links it), like
 * `npm install ../strata`. Set STRATA_E2E_TARBALL=1 to install a packed tarball instead (slower: builds the
 * native SQLite driver).
 */
export async function createUserProject(label: string): Promise<UserProject> {
  const dir = mkdtempSync(join(tmpdir(), `strata-e2e-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type: 'module' }, null, 2))
  let spec = REPO
  if (process.env.STRATA_E2E_TARBALL === '1') {
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop()!
    spec = join(dir, name)
  }
  // Asynchronous, so that the event loop (database probes, other suites) keeps running during the install.
  await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir })
  return new UserProject(dir)
}

/** Type-checks files of a user project against the installed package with the repository's TypeScript. */
export function typeCheck(project: UserProject, files: string[], { nodeTypes = true } = {}): CliResult {
  project.write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // Most real projects have @types/node; borrow the repository's. Without it, no ambient types at all.
        typeRoots: [join(REPO, 'node_modules', '@types')],
        types: nodeTypes ? ['node'] : [],
      },
      files,
    }),
  )
  const result = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project.path('tsconfig.json')], {
    cwd: project.dir,
    encoding: 'utf8',
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

/** A plain `strata.config.ts`: the URL, `./src/db/schema.ts`, and `extra` config entries (`, schemas: […]`). */
export function writeStrataConfig(project: UserProject, url: string, extra = ''): void {
  project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: '${url}', schema: './src/db/schema.ts'${extra} })\n`)
}

/**
 * A bare SQLite project in a temp folder whose node_modules/strata-db links to this repository, for tests of the
 * caches under node_modules/.cache (run with dist/cli/bin.cjs). The caller removes it.
 */
export function linkedSqliteProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(REPO, join(dir, 'node_modules', 'strata-db'))
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  writeFileSync(join(dir, 'schema.ts'), 'export {}\n')
  writeFileSync(
    join(dir, 'strata.config.ts'),
    `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: 'sqlite:///./app.sqlite', schema: './schema.ts', migrations: './migrations' })\n`,
  )
  return dir
}

/** Runs dist/cli/bin.cjs in a `linkedSqliteProject` (the default cache folder, no colour); asserts exit 0, returns stdout. */
export function runLinkedCli(dir: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [join(REPO, 'dist', 'cli', 'bin.cjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', STRATA_CACHE_DIR: '', ...env },
  })
  if (result.status !== 0) throw new Error(`strata ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return result.stdout
}

/** The project's default cache folder. */
export const linkedCacheDir = (dir: string): string => join(dir, 'node_modules', '.cache', 'strata-db')

/** The `.v8` files in `folder` whose names start with `prefix` (none when the folder does not exist). */
export function cacheFiles(folder: string, prefix: string): string[] {
  try {
    return readdirSync(folder).filter((name) => name.startsWith(prefix) && name.endsWith('.v8'))
  } catch {
    return []
  }
}
