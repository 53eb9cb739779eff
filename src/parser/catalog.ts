// What the loader needs to know about built-in actions: names, effects and `with:` schemas.
import type { ActionDefinition } from "../runtime/action.js";

/** The part of an action definition that shapes documents (tests may pass their own list). */
export type ActionShape = Pick<ActionDefinition, "name" | "effect" | "summary" | "input">;

/** A JSON Schema object as the schema builder handles it (any JSON below the top level). */
export type SchemaNode = { [key: string]: unknown };
