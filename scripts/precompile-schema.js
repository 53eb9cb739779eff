#!/usr/bin/env node
// Build step after tsc: writes the built-in schema's ajv standalone validator next to the compiled loader in dist/.
import { writeFileSync } from "node:fs";
import { precompiledPath, precompiledSource } from "../dist/parser/schema/precompiled.js";
import { readSchemaText } from "../dist/parser/schema/runbook-schema.js";

writeFileSync(precompiledPath, precompiledSource(readSchemaText()));
