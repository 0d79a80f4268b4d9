#!/usr/bin/env node
// After `tsc`: bundles the package's entry points (the API, the internals, the CLI program, and define-config, which
// a plain config imports by URL) into dist/bundle/, with the code they share in common chunks, so each package
// entry and the CLI load a few files instead of about eighty (Node 20 loads ES modules one by one, asynchronously).
// package.json's exports and the bin point here, so the CLI, the revision files it runs and `import 'strata-db'` all
// share one copy of every class and of module state.
//
// Every file lands flat in dist/bundle/, two levels below the package root like dist/<folder>/*.js: the paths the
// code builds from import.meta.url (`../../package.json`, `./define-config.js`) resolve the same in both layouts.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
// Chunk names carry a hash: without this, the chunks of earlier builds would stay (and be packed).
rmSync(fileURLToPath(new URL('../dist/bundle', import.meta.url)), { recursive: true, force: true })

await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'dist/index.js',
    internals: 'dist/internals.js',
    program: 'dist/cli/program.js',
    'define-config': 'dist/config/define-config.js',
  },
  outdir: 'dist/bundle',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies and drivers stay packages: a driver is only looked for when a command connects with it.
  packages: 'external',
  logLevel: 'warning',
})
