#!/usr/bin/env node
// After `tsc`: renders `strata --help` once (80 columns, commander's width for pipes) into dist/cli/help-80.txt, so
// the bin prints it without loading commander, and makes the bins executable (bin.cjs is the package's; bin.js the
// ES module path older links use).
import { chmodSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = new URL('../dist/cli/', import.meta.url)
const { buildProgram, HELP_WIDTH } = await import(new URL('../bundle/program.js', dist).href)
writeFileSync(fileURLToPath(new URL(`help-${HELP_WIDTH}.txt`, dist)), buildProgram().configureHelp({ helpWidth: HELP_WIDTH }).helpInformation())
for (const bin of ['bin.cjs', 'bin.js']) chmodSync(fileURLToPath(new URL(bin, dist)), 0o755)
