// SQL identifiers cannot be bound parameters, so the few a runbook may name are validated and quoted here.
import { ActionError } from "../shared/action-error.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** `"schema"."table"` from `schema.table` (or `"table"`), refusing anything but plain identifiers. */
export function quoteQualified(name: string): string {
  const parts = name.split(".");
  if (parts.length > 2 || parts.some((p) => !IDENT.test(p))) {
    throw new ActionError("invalid-identifier", `"${name}" is not a plain [schema.]name identifier`);
  }
  return parts.map((p) => `"${p}"`).join(".");
}

/** `"column"` from a plain identifier. */
export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new ActionError("invalid-identifier", `"${name}" is not a plain identifier`);
  return `"${name}"`;
}
