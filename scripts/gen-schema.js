#!/usr/bin/env node
// Regenerates schema/runbook.schema.json from the base schema and the built-in actions (run after `npm run build`).
import { writeFileSync } from "node:fs";
import { actions } from "../dist/src/builtins/index.js";
import { runbookSchemaFor, schemaText } from "../dist/src/parser/schema/build-schema.js";
import { schemaPath } from "../dist/src/parser/schema/runbook-schema.js";

writeFileSync(schemaPath, schemaText(runbookSchemaFor(actions)));
process.stdout.write(`wrote ${schemaPath} (${actions.length} built-in actions)\n`);
