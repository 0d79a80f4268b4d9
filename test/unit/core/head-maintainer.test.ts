import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HeadMaintainer } from '../../../src/runtime/head-maintainer.js'
import { isDataStatement } from '../../../src/runtime/statement-effect.js'

describe('HeadMaintainer: the version rows a commit point writes', () => {
  it('a chain move is one UPDATE, however many steps it spans', () => {
    const heads = new HeadMaintainer(['a'])
    heads.advance([{ kind: 'update', from: 'a', to: 'b' }])
    heads.advance([{ kind: 'update', from: 'b', to: 'c' }])
    assert.deepEqual(heads.pending(), [{ kind: 'update', from: 'a', to: 'c' }])
    heads.markWritten()
    assert.deepEqual(heads.pending(), [])
  })

  it('from base: one INSERT; back to base: one DELETE', () => {
    const up = new HeadMaintainer([])
    up.advance([{ kind: 'insert', revision: 'a' }])
    up.advance([{ kind: 'update', from: 'a', to: 'b' }])
    assert.deepEqual(up.pending(), [{ kind: 'insert', revision: 'b' }])
    const down = new HeadMaintainer(['b'])
    down.advance([{ kind: 'delete', revision: 'b' }])
    assert.deepEqual(down.pending(), [{ kind: 'delete', revision: 'b' }])
  })

  it('a merge deletes one branch row, then updates the other', () => {
    const heads = new HeadMaintainer(['d1', 'd2'])
    heads.advance([
      { kind: 'delete', revision: 'd2' },
      { kind: 'update', from: 'd1', to: 'e' },
    ])
    assert.deepEqual(heads.pending(), [
      { kind: 'delete', revision: 'd2' },
      { kind: 'update', from: 'd1', to: 'e' },
    ])
  })

  it('after a rollback the rows to write are counted from the last commit again', () => {
    const heads = new HeadMaintainer(['a'])
    heads.advance([{ kind: 'update', from: 'a', to: 'b' }])
    heads.markWritten()
    heads.resetTo(['a'])
    assert.deepEqual(heads.pending(), [{ kind: 'update', from: 'a', to: 'b' }])
  })

  it('fails where the database would change no row', () => {
    const heads = new HeadMaintainer(['a'])
    assert.throws(() => heads.advance([{ kind: 'update', from: 'x', to: 'y' }]))
  })
})

describe('isDataStatement: what may share a transaction with its progress record', () => {
  it('data changes, with leading comments and CTEs', () => {
    for (const sql of ['UPDATE t SET a = 1', ' insert into t values (1)', '-- note\nDELETE FROM t', '/* x */ WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c', 'SELECT pg_sleep(1)'])
      assert.equal(isDataStatement(sql), true, sql)
  })
  it('DDL and other statements', () => {
    for (const sql of ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD b int', 'CREATE INDEX CONCURRENTLY i ON t (a)', 'DROP TABLE t', 'VACUUM'])
      assert.equal(isDataStatement(sql), false, sql)
  })
})
