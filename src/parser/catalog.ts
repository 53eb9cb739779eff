// What the loader needs to know about built-in actions: names, effects and `with:` schemas.
import type { ActionDefinition } from "../contract/action.js";

/** The part of an action definition that shapes documents (tests may pass their own list). */
export type ActionShape = Pick<
  ActionDefinition,
  "name" | "effect" | "summary" | "input" | "effectOverridable"
>;

/** The catalog as the loader sees it (an ActionCatalog is one): the shapes, and whether the schema is committed. */
export interface ShapeCatalog {
  readonly actions: readonly ActionShape[];
  /** The built-in catalog: documents are checked against the committed, precompiled schema. */
  readonly committedSchema?: boolean;
}

/** A JSON Schema object as the schema builder handles it (any JSON below the top level). */
export type SchemaNode = { [key: string]: unknown };
