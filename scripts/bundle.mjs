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
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
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

// The CLI's own bundle: the same program as one CommonJS file, which the bin compiles with V8's code cache
// (src/cli/load-cli.cts). Node 20 has no code cache for ES modules, and loading the program as ES modules costs
// module resolution and a compile of every chunk on every command. `import.meta.url` becomes the bundle's own URL:
// dist/cli/ is two levels below the package root like dist/bundle/, so the URLs the code builds resolve the same.
// commander and picocolors, which every command loads, go into the bundle (and so into the code cache): the
// program's `createRequire(import.meta.url)('commander')` becomes a `require` that esbuild follows.
const BUNDLED_PACKAGES = ['commander', 'picocolors']
const bundleCliPackages = {
  name: 'bundle-cli-packages',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${BUNDLED_PACKAGES.join('|')})$`) }, (args) => ({ path: createRequire(args.importer).resolve(args.path) }))
    build.onLoad({ filter: /[\\/]dist[\\/]cli[\\/](program|output)\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const code = source.replace(/createRequire\(import\.meta\.url\)\('(commander|picocolors)'\)/g, "require('$1')")
      if (code === source) throw new Error(`${args.path}: no createRequire(import.meta.url)('commander' | 'picocolors') to bundle`)
      return { contents: code, loader: 'js' }
    })
    // commander requires node:child_process when it loads, for stand-alone executable subcommands, which strata
    // does not have: loading it (with net, dgram and the streams) was a tenth of what `strata current` costs over
    // bare Node. It is required on first use instead.
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const eager = "const childProcess = require('node:child_process');"
      if (!source.includes(eager)) throw new Error(`${args.path}: no eager require of node:child_process to defer`)
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"
      return { contents: source.replace(eager, lazy), loader: 'js' }
    })
  },
}
const cli = await build({
  absWorkingDir: root,
  entryPoints: { 'strata-cli': 'dist/cli/program.js' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.cjs' },
  entryNames: '[name]',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [bundleCliPackages],
  define: { 'import.meta.url': '__strataBundleUrl' },
  banner: { js: 'var __strataBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  write: false,
  logLevel: 'warning',
})
// The code cache is keyed by the bundle's content hash, written beside it: V8 checks only a cache's source length.
// The bundle is kept ASCII (esbuild escapes strings; what is left is in comments) so that the bin reads it as a
// one-byte string: decoding 1 MB of UTF-8 cost as much as the rest of loading it.
for (const file of cli.outputFiles) {
  const ascii = file.text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  writeFileSync(file.path, ascii, 'latin1')
  writeFileSync(`${file.path.slice(0, -'.cjs'.length)}.key`, createHash('sha256').update(ascii).digest('hex').slice(0, 16))
}
