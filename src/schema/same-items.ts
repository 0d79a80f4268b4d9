/**
 * Two lists with the same items in the same order (compared with ===). A loop rather than `every` with a closure:
 * compare runs this for the columns of every key, index and constraint, on both sides.
 */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
