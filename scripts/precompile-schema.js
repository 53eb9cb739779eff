#!/usr/bin/env node
// Build step after tsc: writes the built-in schema's ajv standalone validators (the full one and the quick check that
// runs first) next to the compiled loader in dist/.
import { writeFileSync } from "node:fs";
import { parseAst } from "rolldown/parseAst";
import {
  precompiledPath,
  precompiledSource,
  quickPrecompiledPath,
} from "../dist/src/parser/schema/precompiled.js";
import { readSchemaText } from "../dist/src/parser/schema/runbook-schema.js";
import { quickAjvOptions } from "../dist/src/parser/schema/schema-validator.js";

/**
 * The same CommonJS module with each top-level function declaration turned into a parenthesized function
 * expression assigned to a `var` at the top. V8 compiles parenthesized functions eagerly, so Node's compile
 * cache (made right after compiling) holds their bytecode; a declaration is compiled lazily on its first call in
 * every process, ~6 ms for this validator's large functions on each cold `rbx validate`. Placing them first
 * keeps the meaning of hoisted declarations: every one exists before any other statement runs.
 */
export function eagerFunctions(source) {
  const { body } = parseAst(source, { lang: "js", sourceType: "script" });
  const text = (node) => source.slice(node.start, node.end);
  const directives = body.filter((n) => n.type === "ExpressionStatement" && typeof n.directive === "string");
  const functions = body.filter((n) => n.type === "FunctionDeclaration" && n.id);
  const rest = body.filter((n) => !directives.includes(n) && !functions.includes(n));
  return [
    source.slice(0, body[0]?.start ?? 0).trimEnd(),
    ...directives.map(text),
    ...functions.map((n) => `var ${n.id.name} = (${text(n)});`),
    ...rest.map(text),
    "",
  ].join("\n");
}

const schemaText = readSchemaText();
writeFileSync(precompiledPath, eagerFunctions(precompiledSource(schemaText)));
writeFileSync(quickPrecompiledPath, eagerFunctions(precompiledSource(schemaText, quickAjvOptions)));
