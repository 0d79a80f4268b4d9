/**
 * Folders a command creates for a file (a SQLite database, its lock file), so that it can take them back when it
 * ends up writing nothing: a failed command leaves the filesystem as it was.
 */
import { existsSync, rmdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** `folder` and each of its parents that does not exist yet, deepest first. */
export function missingFolders(folder: string): string[] {
  const missing: string[] = []
  for (let at = folder; !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.push(at)
  return missing
}

/** Removes each folder (deepest first) while it is empty: another process may have put something into one. */
export function removeEmptyFolders(folders: string[]): void {
  for (const folder of folders) {
    try {
      rmdirSync(folder)
    } catch {
      return
    }
  }
}
