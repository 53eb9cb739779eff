// Go to definition and find references for `steps.X`, `params.X`, `env.X` and `check: NAME`, from the
// document's symbol index.
import type { Location } from "vscode-languageserver/node";
import type { Analysis } from "./analysis.js";
import { toRange } from "./positions.js";

/** Where the name under the cursor is declared. */
export function definition(a: Analysis, uri: string, offset: number): Location | null {
  const ref = a.symbols.at(offset);
  const span = ref ? a.symbols.declaration(ref) : undefined;
  return span ? { uri, range: toRange(span) } : null;
}

/** Every place that reads the name under the cursor (and its declaration, when asked). */
export function references(a: Analysis, uri: string, offset: number, withDeclaration: boolean): Location[] {
  const ref = a.symbols.at(offset);
  if (!ref) return [];
  const spans = [...a.symbols.references(ref)];
  const decl = a.symbols.declaration(ref);
  if (withDeclaration && decl) spans.unshift(decl);
  return spans.map((s) => ({ uri, range: toRange(s) }));
}
