/**
 * MySQL/MariaDB FULLTEXT and SPATIAL keys are not in strata's model: pull lists them as unmodelled and leaves them
 * out of the file; check finds nothing against a schema without them; autogenerate never drops them.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { pull } from '../../src/index.js'
import { CycleRunner } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const TABLE = `CREATE TABLE posts (
  id INT PRIMARY KEY,
  post_text TEXT,
  place POINT NOT NULL,
  KEY ix_posts_id_text (id),
  FULLTEXT KEY post_text (post_text),
  SPATIAL KEY place (place)
)`

const SCHEMA = (extra = '') => `import { table, integer, text, customType, index } from 'strata-db'

export const posts = table(
  'posts',
  {
    id: integer().primaryKey(),
    postText: text('post_text'),
    place: customType('point').notNull(),${extra}
  },
  (t) => [index('ix_posts_id_text').on(t.id)],
)
`

describeDialect('mysql', 'FULLTEXT and SPATIAL keys stay out of the model', ({ dialect, db }) => {
  let runner: CycleRunner
  before(async () => {
    runner = new CycleRunner(dialect, db(), 'fulltext')
    runner.writeConfig()
    runner.project.write('schemas/posts.ts', SCHEMA())
    runner.project.write('schemas/posts_b.ts', SCHEMA("\n    title: text('title'),"))
    await rawQuery(db(), TABLE)
  })
  after(() => runner?.project.remove())

  it('pull lists them as unmodelled and does not write them as indexes', async () => {
    const result = await pull(runner.project.path('strata.config.ts'), { out: runner.project.path('schemas/pulled.ts') })
    assert.deepEqual(
      result.unmodelled.filter((u) => u.startsWith('index ')),
      ['index place on posts: SPATIAL', 'index post_text on posts: FULLTEXT'],
    )
    const code = result.source.replace(/\/\*[\s\S]*?\*\//g, '')
    assert.match(code, /index\('ix_posts_id_text'\)/)
    assert.doesNotMatch(code, /'post_text'\)\.on|'place'\)\.on|index\(\)\.on\(t\.(postText|place)\)/, result.source)
    assert.deepEqual(await runner.differences('./schemas/pulled.ts'), [])
  })

  it('check finds nothing against a schema without them', async () => {
    assert.deepEqual(await runner.differences('./schemas/posts.ts'), [])
  })

  it('autogenerate leaves them alone (no dropIndex) when the table changes', async () => {
    const output = runner.autogenerate('./schemas/posts_b.ts', 'posts_title')
    assert.deepEqual(
      output.changes.map((c) => `${c.kind} ${c.message}`),
      ["addColumn added column 'posts.title'"],
    )
    const kinds = await rawQuery<{ INDEX_NAME: string; INDEX_TYPE: string }>(
      db(),
      `SELECT DISTINCT INDEX_NAME, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'posts'`,
    )
    assert.deepEqual(
      kinds.map((k) => `${k.INDEX_NAME} ${k.INDEX_TYPE}`).sort(),
      ['PRIMARY BTREE', 'ix_posts_id_text BTREE', 'place SPATIAL', 'post_text FULLTEXT'],
    )
  })
})
