// The type of a JSON Schema piece reused inside several actions' `with:` schemas.

/** A JSON Schema object that can be nested inside an action's input schema. */
import type { JsonValue } from "../../contract/json.js";
export type SchemaFragment = { [key: string]: JsonValue };
