// The committed schema file (schema/runbook.schema.json): what `rbx schema` prints and the loader validates with.
import { readFileSync } from "node:fs";
import { packagePath } from "../../package-root.js";

/** Where the schema ships: `<package root>/schema/`, whether rbx runs from src/, dist/ or the bundle. */
export const schemaPath = packagePath("schema", "runbook.schema.json");

/** The schema text as committed. */
export function readSchemaText(): string {
  return readFileSync(schemaPath, "utf8");
}

/** The command that rewrites the committed schema from the base and the built-in catalog. */
export const regenerateCommand = "npm run build && node scripts/gen-schema.js";
