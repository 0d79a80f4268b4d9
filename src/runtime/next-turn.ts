/**
 * Resolves after one turn of the event loop (a few µs): I/O callbacks run meanwhile, e.g. a driver sending the
 * next catalog query while the schema files load.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
