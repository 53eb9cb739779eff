// The committed schema file (schema/runbook.schema.json): what `rbx schema` prints and the loader validates with.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the schema ships: the same relative path from src/ and from dist/. */
export const schemaPath = fileURLToPath(new URL("../../../schema/runbook.schema.json", import.meta.url));

/** The schema text as committed. */
export function readSchemaText(): string {
  return readFileSync(schemaPath, "utf8");
}

/** The command that rewrites the committed schema from the base and the built-in catalog. */
export const regenerateCommand = "npm run build && node scripts/gen-schema.js";
