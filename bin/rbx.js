#!/usr/bin/env node
// The rbx command: a thin shim so start-up loads only the compiled CLI entry.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
