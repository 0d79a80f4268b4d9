#!/usr/bin/env node
// The ES module path to the `strata` command, for links and scripts made before the bin became bin.cjs.
import './bin.cjs'
