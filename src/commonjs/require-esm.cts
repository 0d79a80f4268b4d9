// strata-db is an ES module. Node 20.19+ and 22.12+ load it with require(); older versions get one line saying how.

const HOW = "strata-db is an ES module and this Node version cannot require() it: use `await import('strata-db')`, or Node 20.19+ / 22.12+"

export function requireEsm(load: () => unknown): unknown {
  try {
    return load()
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') throw new Error(HOW)
    throw error
  }
}
