import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { escapeDocComment } from './header.js'

export interface NewRevisionFile {
  revision: string
  message: string
  downRevision: string | string[] | null
  branchLabels?: string[] | null
  dependsOn?: string[] | null
  /** Body lines of `upgrade` / `downgrade` (already indented); empty for a blank revision. */
  upgrade?: string
  downgrade?: string
  /** Names imported from strata-db besides the `Migration` type. */
  imports?: string[]
  createDate?: Date
}

/** 12 lowercase hex characters, like Alembic's ids. */
export function newRevisionId(): string {
  return randomBytes(6).toString('hex')
}

export function isValidRevisionId(id: string): boolean {
  return /^[0-9a-z_]{1,32}$/.test(id)
}

/** `add last updated on package` → `add_last_updated_on_package` (ASCII words, at most 40 characters). */
export function slugify(message: string): string {
  const slug = message
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace(/_+/g, '_')
  const short = slug.length > 40 ? slug.slice(0, 40).replace(/_[^_]*$/, '') : slug
  return short || 'revision'
}

function literal(value: string | string[] | null | undefined): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? 'null' : `[${value.map((v) => literal(v)).join(', ')}]`
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function formatDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** The text of a revision file: header constants as literals, so the graph is read without executing it. */
export function renderRevisionFile(file: NewRevisionFile): string {
  const message = escapeDocComment(file.message.replace(/\r?\n/g, ' '))
  const revises = file.downRevision === null ? '' : Array.isArray(file.downRevision) ? file.downRevision.join(', ') : file.downRevision
  const imports = [...new Set(file.imports ?? [])].sort()
  const body = (text: string | undefined) => (text && text.trim() ? text.replace(/\s+$/, '') : '  // nothing to do')
  return [
    '/**',
    ` * ${message}`,
    ' *',
    ` * Revision ID: ${file.revision}`,
    // No trailing space for a root.
    revises ? ` * Revises: ${revises}` : ' * Revises:',
    ` * Create Date: ${formatDate(file.createDate ?? new Date())}`,
    ' */',
    imports.length > 0 ? `import { type Migration, ${imports.join(', ')} } from 'strata-db'` : `import type { Migration } from 'strata-db'`,
    '',
    `export const revision = ${literal(file.revision)}`,
    `export const downRevision = ${literal(file.downRevision)}`,
    `export const branchLabels = ${literal(file.branchLabels ?? null)}`,
    `export const dependsOn = ${literal(file.dependsOn ?? null)}`,
    '',
    'export async function upgrade({ op }: Migration) {',
    body(file.upgrade),
    '}',
    '',
    'export async function downgrade({ op }: Migration) {',
    body(file.downgrade),
    '}',
    '',
  ].join('\n')
}

/** Writes the file atomically (temp file + rename) so an interrupted run never leaves half a revision. */
export function writeRevisionFile(versionsDir: string, fileName: string, content: string): string {
  mkdirSync(versionsDir, { recursive: true })
  const path = join(versionsDir, fileName)
  if (existsSync(path)) throw new Error(`${path} already exists`)
  const temp = join(versionsDir, `.${fileName}.${process.pid}.tmp`)
  writeFileSync(temp, content)
  renameSync(temp, path)
  return path
}
