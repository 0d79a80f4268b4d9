/**
 * What `npm pack` ships: an installed user reads the README, and every document it links to must be in the
 * package (the docs folder once was not, and every link was dead in node_modules/strata-db).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { it } from 'node:test'
import { REPO } from '../support/project.js'

function packedFiles(): Set<string> {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  return new Set((JSON.parse(result.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path))
}

/** The relative links of a markdown file, resolved from its folder, without anchors. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(posix.join(REPO, file), 'utf8')
  const links: string[] = []
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue
    links.push(posix.normalize(posix.join(posix.dirname(file), target!.split('#')[0]!)))
  }
  return links
}

it('the package holds the README, the built code and every document the README and the docs link to', () => {
  const files = packedFiles()
  for (const needed of ['README.md', 'package.json', 'dist/cli/bin.cjs', 'docs/cli.md']) assert.ok(files.has(needed), `${needed} is not packed`)
  const docs = [...files].filter((f) => f.endsWith('.md'))
  const missing = docs.flatMap((doc) => relativeLinks(doc).filter((link) => !files.has(link) && !files.has(posix.join(link, 'README.md'))).map((link) => `${doc} -> ${link}`))
  assert.deepEqual(missing, [])
})
