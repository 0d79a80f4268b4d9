/**
 * `tsc --strict` on every revision file the tests generate: what a user's editor and CI would say about them.
 * Suites that generate many files collect them (`GeneratedFiles`) and type-check them once, at the end.
 */
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { type UserProject, typeCheck } from './project.js'

/** The revision files of a project's `migrations/versions`, relative to the project. */
export function revisionFiles(project: UserProject, folder = 'migrations/versions'): string[] {
  const dir = project.path(folder)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `${folder}/${f}`)
}

/** Asserts that the files (default: every revision file of the project) pass `tsc --strict`. */
export function assertGeneratedTypeCheck(project: UserProject, files: string[] = revisionFiles(project), options: { nodeTypes?: boolean } = {}): void {
  if (files.length === 0) return
  const result = typeCheck(project, files, options)
  assert.equal(result.code, 0, `tsc --strict on generated files:\n${result.stdout}${result.stderr}`)
}

/** Generated files kept aside (tests delete them as they go) to be type-checked together. */
export class GeneratedFiles {
  private readonly folder = 'generated-revisions'
  private count = 0
  constructor(private readonly project: UserProject) {}

  /** Keeps a copy of a generated file (an absolute path inside the project, or relative to it). */
  keep(path: string): void {
    const from = path.startsWith('/') ? path : this.project.path(path)
    mkdirSync(this.project.path(this.folder), { recursive: true })
    copyFileSync(from, this.project.path(join(this.folder, `${String(++this.count).padStart(3, '0')}_${basename(from)}`)))
  }

  /** Type-checks everything kept so far. */
  check(): void {
    assertGeneratedTypeCheck(this.project, revisionFiles(this.project, this.folder))
  }
}
