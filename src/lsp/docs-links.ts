// Where each diagnostic code is documented: a rule's own page, the loader's and the expression checker's
// tables; the pages ship with rbx (docs/), or live under a base URL the editor gives.
import { pathToFileURL } from "node:url";
import { ruleDocsUrl } from "../lint/rule-docs.js";
import { findRule } from "../lint/rules/index.js";
import { suppressionMeta } from "../lint/suppressions.js";
import { packagePath } from "../package-root.js";
import { loaderCodes } from "../parser/codes.js";

/** The codes the expression checker reports, documented in docs/expressions.md#errors-and-limits. */
const EXPRESSION_CODES = new Set([
  "expr-syntax",
  "reserved-word",
  "unknown-identifier",
  "unknown-field",
  "no-matching-overload",
  "wrong-argument-count",
  "type-mismatch",
  "step-not-yet-run",
  "secret-in-default",
]);

/**
 * The page documenting a code, relative to docs/ (with its anchor), or undefined. `inExpression` tells the
 * checker's codes from the loader's where both use one (`unknown-field` of an output vs of the format).
 */
export function docsPage(code: string, inExpression = false): string | undefined {
  if (findRule(code) || suppressionMeta.some((m) => m.id === code)) return `rules/${code}.md`;
  if (EXPRESSION_CODES.has(code) && (inExpression || !(code in loaderCodes)))
    return "expressions.md#errors-and-limits";
  if (code in loaderCodes) return "format.md#diagnostics";
  return undefined;
}

/** The link for a code (and whether the diagnostic sits in an expression). */
export type DocsLinker = (code: string, inExpression?: boolean) => string | undefined;

/** Links to the docs: under `base` when given (ending in /), else to the docs shipped in the rbx package. */
export function docsLinker(base: string | undefined): DocsLinker {
  const root = base ?? `${pathToFileURL(packagePath("docs")).href}/`;
  return (code, inExpression) => {
    const page = docsPage(code, inExpression);
    if (page?.startsWith("rules/")) return ruleDocsUrl(code, base ? `${base}rules/` : undefined);
    return page ? `${root}${page}` : undefined;
  };
}
