// The type of a JSON Schema piece reused inside several actions' `with:` schemas.
import type { JsonValue } from "../../runtime/action.js";

/** A JSON Schema object that can be nested inside an action's input schema. */
export type SchemaFragment = { [key: string]: JsonValue };
