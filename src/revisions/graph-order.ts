import type { EdgeLists } from './graph-edges.js'

/**
 * Index-level walks used by RevisionGraph: revisions are numbered, and `downOf[i]` lists the revisions `i` revises
 * or depends on (parents first).
 */

/**
 * Iterative depth-first post-order over down edges, restricted to `inSet`, starting from `starts` in order: every
 * revision comes after everything below it. Reversing the edge order (and the result) gives newest-first orders.
 */
export function depthFirstPostOrder(downOf: EdgeLists, inSet: Uint8Array, starts: readonly number[], reverseEdges: boolean): number[] {
  // The offsets and targets as locals, not EdgeLists calls: this loop runs once per edge, mostly interpreted.
  const { start, targets } = downOf
  const visited = new Uint8Array(downOf.size)
  const out: number[] = []
  const nodes: number[] = []
  const positions: number[] = []
  for (const first of starts) {
    if (!inSet[first] || visited[first]) continue
    visited[first] = 1
    nodes.push(first)
    positions.push(0)
    while (nodes.length > 0) {
      const top = nodes.length - 1
      const node = nodes[top]!
      const from = start[node]!
      const count = start[node + 1]! - from
      let position = positions[top]!
      let descended = false
      while (position < count) {
        const next = targets[from + (reverseEdges ? count - 1 - position : position)]!
        position++
        if (inSet[next] && !visited[next]) {
          positions[top] = position
          visited[next] = 1
          nodes.push(next)
          positions.push(0)
          descended = true
          break
        }
      }
      if (!descended) {
        out.push(nodes.pop() as number)
        positions.pop()
      }
    }
  }
  return out
}

/**
 * A cycle among the revisions Kahn's algorithm could not order (`pending[i] > 0`): each of them has a down edge to
 * another one left over, so following those edges must repeat. Returns the revisions of the cycle, in edge order.
 */
export function findCycle(downOf: EdgeLists, pending: Int32Array): number[] {
  let v = pending.findIndex((count) => count > 0)
  const seenAt = new Map<number, number>()
  const path: number[] = []
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length)
    path.push(v)
    v = downOf.list(v).find((down) => pending[down] > 0) as number
  }
  return path.slice(seenAt.get(v))
}
