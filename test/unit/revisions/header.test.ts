import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RevisionError, loadRevisionGraph, loadRevisionHeaders, parseRevisionHeader } from '../../../src/revisions/index.js'
import { renderRevisionFile } from '../../../src/revisions/script-writer.js'

const SAMPLE = `/**
 * add last updated on package
 *
 * Revision ID: 2fe1a3b4c5d6
 * Revises: 
 * Create Date: 2026-11-24 10:15:02
 */
import { type Migration, timestamp } from 'strata-db'

export const revision = '2fe1a3b4c5d6'
export const downRevision = null          // string | string[] | null
export const branchLabels = null          // string[] | null
export const dependsOn = null             // string[] | null

export async function upgrade({ op }: Migration) {
  await op.addColumn('packages', 'last_updated', timestamp())
}

export async function downgrade({ op }: Migration) {
  await op.dropColumn('packages', 'last_updated')
}
`

function header(body: string, path = 'versions/x.ts') {
  return parseRevisionHeader(body, path)
}

function assertHeaderError(body: string, pattern: RegExp) {
  assert.throws(
    () => header(body),
    (error: unknown) => {
      assert.ok(error instanceof RevisionError, 'a RevisionError')
      assert.equal(error.code, 'header')
      assert.match(error.message, /^versions\/x\.ts: /)
      assert.match(error.message, pattern)
      assert.ok(!error.message.includes('\n'), 'one line')
      return true
    },
  )
}

describe('parseRevisionHeader', () => {
  it('reads the design sample: id, null fields, message and create date', () => {
    const parsed = header(SAMPLE, 'versions/2fe1_add.ts')
    assert.deepEqual(parsed, {
      revision: '2fe1a3b4c5d6',
      downRevision: null,
      branchLabels: [],
      dependsOn: [],
      message: 'add last updated on package',
      createDate: '2026-11-24 10:15:02',
      path: 'versions/2fe1_add.ts',
      doc: 'add last updated on package\n\nRevision ID: 2fe1a3b4c5d6\nRevises:\nCreate Date: 2026-11-24 10:15:02',
    })
  })

  it('accepts double quotes, single strings for lists, semicolons and type annotations', () => {
    const parsed = header(
      [
        'export const revision: string = "abc123";',
        "export const downRevision: string | string[] | null = 'def456';",
        'export const branchLabels: string[] | null = "feature";',
        "export const dependsOn = 'other' as const;",
      ].join('\n'),
    )
    assert.equal(parsed.revision, 'abc123')
    assert.equal(parsed.downRevision, 'def456')
    assert.deepEqual(parsed.branchLabels, ['feature'])
    assert.deepEqual(parsed.dependsOn, ['other'])
    assert.equal(parsed.message, '')
    assert.equal(parsed.createDate, null)
  })

  it('reads multi-line arrays with trailing commas and comments, and template strings', () => {
    const parsed = header(
      [
        'export const revision = `m3rge`',
        'export const downRevision = [',
        "  'aaa', // the first branch",
        '  "bbb", /* the second */',
        ']',
        "export const branchLabels = ['x', 'y']",
        "export const dependsOn = ['one'] as const",
      ].join('\n'),
    )
    assert.equal(parsed.revision, 'm3rge')
    assert.deepEqual(parsed.downRevision, ['aaa', 'bbb'])
    assert.deepEqual(parsed.branchLabels, ['x', 'y'])
    assert.deepEqual(parsed.dependsOn, ['one'])
  })

  it('normalizes a one-element downRevision array to the id and an empty array to null', () => {
    assert.equal(header("export const revision = 'a'\nexport const downRevision = ['b']").downRevision, 'b')
    assert.equal(header("export const revision = 'a'\nexport const downRevision = []").downRevision, null)
    assert.equal(header("export const revision = 'a'\nexport const downRevision = undefined").downRevision, null)
  })

  it('leaves branchLabels and dependsOn empty when they are not declared', () => {
    const parsed = header("export const revision = 'a'\nexport const downRevision = 'b'")
    assert.deepEqual(parsed.branchLabels, [])
    assert.deepEqual(parsed.dependsOn, [])
  })

  it('ignores declarations inside comments, strings and template literals', () => {
    const parsed = header(
      [
        '/** first line',
        " * export const revision = 'in-doc'",
        ' */',
        "// export const revision = 'in-line-comment'",
        "/* export const downRevision = 'in-block' */",
        "const text = \"export const revision = 'in-string'\"",
        "const tpl = `${1}export const revision = 'in-template'`",
        "const re = /export const revision = 'x'/",
        "export const revision = 'real'",
        "export const downRevision = 'parent'",
        'export async function upgrade() {',
        "  await op.execute(`export const revision = 'in-body'`)",
        '}',
      ].join('\n'),
    )
    assert.equal(parsed.revision, 'real')
    assert.equal(parsed.downRevision, 'parent')
    assert.equal(parsed.message, 'first line')
  })

  it('reads the template shape without the lexer, and the same as the lexer would', () => {
    const lines = [
      '/**',
      " * export const revision = 'in-doc'",
      ' */',
      'import { type Migration } from "export const revision = \'in-import\'"',
      '',
      "export const revision = 'real'",
      "export const downRevision = ['p1', \"export const dependsOn = 'in-value'\"]",
      'export const branchLabels = null',
    ]
    for (const eol of ['\n', '\r\n']) {
      const parsed = header(lines.join(eol))
      assert.equal(parsed.revision, 'real')
      assert.deepEqual(parsed.downRevision, ['p1', "export const dependsOn = 'in-value'"])
      assert.deepEqual(parsed.dependsOn, [])
    }
    // After the plain lines the lexer decides: a second declaration in code is still found.
    assertHeaderError(`${lines.join('\n')}\nexport async function upgrade() {}\nexport const revision = 'again'`, /'revision' is declared twice/)
    assert.equal(header(`${lines.join('\n')}\n\`\nexport const revision = 'in-template'\``).revision, 'real')
  })

  it('takes the message from a leading comment after a shebang or line comments, and skips header fields', () => {
    assert.equal(header("#!/usr/bin/env node\n// eslint-disable\n/* hello there */\nexport const revision = 'a'\nexport const downRevision = null").message, 'hello there')
    assert.equal(header("/**\n * Revision ID: a\n */\nexport const revision = 'a'\nexport const downRevision = null").message, '')
    assert.equal(header("import x from 'y'\n/** not leading */\nexport const revision = 'a'\nexport const downRevision = null").message, '')
  })

  it('decodes escapes in strings', () => {
    assert.equal(header("export const revision = 'a\\u0062c'\nexport const downRevision = null").revision, 'abc')
  })

  it("reads back what the script writer renders, including quotes and comment markers in the message", () => {
    const source = renderRevisionFile({
      revision: 'abc123def456',
      message: "it's a merge */ of heads",
      downRevision: ['aaa', "b'b"],
      branchLabels: ['feature'],
      dependsOn: ['lib'],
      upgrade: "  await op.execute(`export const revision = 'no'`)",
      createDate: new Date(2026, 10, 24, 10, 15, 2),
    })
    const parsed = parseRevisionHeader(source, 'versions/abc.ts')
    assert.equal(parsed.revision, 'abc123def456')
    assert.deepEqual(parsed.downRevision, ['aaa', "b'b"])
    assert.deepEqual(parsed.branchLabels, ['feature'])
    assert.deepEqual(parsed.dependsOn, ['lib'])
    assert.equal(parsed.message, "it's a merge */ of heads")
    assert.equal(parsed.createDate, '2026-11-24 10:15:02')
  })

  it('a -m message survives the header unchanged: comment ends, backslashes, quotes', () => {
    for (const message of ['a */ b', 'a *\\/ b', 'a *\\\\/ b', `"double" 'single' \`back\``, 'ends with */', '*/', 'a \\ b */*/ c']) {
      const source = renderRevisionFile({ revision: 'r1', message, downRevision: null })
      assert.equal(source.match(/\*\//g)?.length, 1, `only the comment's own end in:\n${source}`)
      const parsed = parseRevisionHeader(source, 'versions/r1.ts')
      assert.equal(parsed.message, message)
      assert.equal(parsed.revision, 'r1')
    }
  })

  it('a root revision has no trailing space after Revises:', () => {
    const source = renderRevisionFile({ revision: 'r1', message: 'm', downRevision: null })
    assert.match(source, /^ \* Revises:$/m)
    assert.doesNotMatch(source, /[ \t]$/m)
    assert.match(renderRevisionFile({ revision: 'r2', message: 'm', downRevision: 'r1' }), /^ \* Revises: r1$/m)
  })

  it('tells a division from a regular expression', () => {
    const parsed = header(
      ["const half = total / 2 // it's half", "const ratio = (a) / 2; export const revision = 'r1'", 'export const downRevision = null'].join('\n'),
    )
    assert.equal(parsed.revision, 'r1')
  })

  it('rejects a file without a revision', () => {
    assertHeaderError('export const downRevision = null', /no `export const revision/)
  })

  it('rejects a file without downRevision', () => {
    assertHeaderError("export const revision = 'a'", /no `export const downRevision/)
  })

  it('rejects non-literal values, naming the constant', () => {
    assertHeaderError("export const revision = makeId()\nexport const downRevision = null", /'revision' must be a literal/)
    assertHeaderError("export const revision = 'a' + 'b'\nexport const downRevision = null", /'revision' must be a literal/)
    assertHeaderError("export const revision = 'a'\nexport const downRevision = `${base}`", /'downRevision' must be a literal/)
    assertHeaderError("export const revision = 'a'\nexport const downRevision = [parent]", /'downRevision' must be a literal/)
    assertHeaderError("export const revision = 'a'\nexport const downRevision = null\nexport const dependsOn = [1]", /'dependsOn' must be a literal/)
  })

  it('rejects a revision that is not a non-empty string', () => {
    assertHeaderError("export const revision = null\nexport const downRevision = null", /'revision' must be a non-empty string/)
    assertHeaderError("export const revision = ['a']\nexport const downRevision = null", /'revision' must be a non-empty string/)
    assertHeaderError("export const revision = ''\nexport const downRevision = null", /'revision' must be a non-empty string/)
  })

  it('rejects a constant declared twice', () => {
    assertHeaderError("export const revision = 'a'\nexport const revision = 'b'\nexport const downRevision = null", /'revision' is declared twice/)
  })
})

describe('loadRevisionHeaders', () => {
  it('reads revision files in name order, skipping declarations, dotfiles, other files and folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-headers-'))
    try {
      const file = (id: string, down: string | null) => `export const revision = '${id}'\nexport const downRevision = ${down ? `'${down}'` : 'null'}\n`
      writeFileSync(join(dir, 'b_second.ts'), file('b', 'a'))
      writeFileSync(join(dir, 'a_first.mts'), file('a', null))
      writeFileSync(join(dir, 'c_third.js'), file('c', 'b'))
      writeFileSync(join(dir, 'd_fourth.mjs'), file('d', 'c'))
      writeFileSync(join(dir, 'types.d.ts'), 'export declare const revision: string')
      writeFileSync(join(dir, '.#lock.ts'), 'garbage')
      writeFileSync(join(dir, 'README.md'), '# notes')
      mkdirSync(join(dir, 'sub.ts'))
      symlinkSync(join(dir, 'd_fourth.mjs'), join(dir, 'e_link.mjs'))
      const headers = loadRevisionHeaders(dir)
      assert.deepEqual(
        headers.map((h) => [h.revision, h.path]),
        [
          ['a', join(dir, 'a_first.mts')],
          ['b', join(dir, 'b_second.ts')],
          ['c', join(dir, 'c_third.js')],
          ['d', join(dir, 'd_fourth.mjs')],
          ['d', join(dir, 'e_link.mjs')],
        ],
      )
      assert.throws(() => loadRevisionGraph(dir), /revision 'd' is defined twice: .*d_fourth\.mjs and .*e_link\.mjs/)
      rmSync(join(dir, 'e_link.mjs'))
      assert.deepEqual(loadRevisionGraph(dir).heads, ['d'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('returns no headers for a folder that does not exist', () => {
    assert.deepEqual(loadRevisionHeaders(join(tmpdir(), 'strata-no-such-folder-' + process.pid)), [])
  })

  it('names the file whose header cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-headers-'))
    try {
      writeFileSync(join(dir, 'broken.ts'), 'export const revision = id()\nexport const downRevision = null\n')
      assert.throws(() => loadRevisionHeaders(dir), (error: unknown) => {
        assert.ok(error instanceof RevisionError)
        assert.ok(error.message.startsWith(join(dir, 'broken.ts') + ': '), error.message)
        return true
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
