// Where a rule's page is: under a base URL the user gives (`rbx lint --docs-url`, the editor's settings), else the
// page shipped with rbx (docs/rules/<id>.md is in the package's files). SARIF and the language server link here.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PACKAGE_NAME, packagePath } from "../package-root.js";

/** The rule pages shipped with rbx. */
export const SHIPPED_RULE_DOCS = pathToFileURL(`${packagePath("docs", "rules")}/`);

/** The shipped page of a rule or suppression code, when it has one. */
export function shippedRulePage(id: string): URL | undefined {
  const page = new URL(`${id}.md`, SHIPPED_RULE_DOCS);
  return existsSync(fileURLToPath(page)) ? page : undefined;
}

/** The link to a rule's page: `<base><id>.md` under a given base (ending in /), else the shipped page if any. */
export function ruleDocsUrl(id: string, base?: string): string | undefined {
  return base ? `${base}${id}.md` : shippedRulePage(id)?.href;
}

/**
 * The docs of one rbx version as published with its package on the npm CDN (`https://unpkg.com/<package>@<version>/
 * docs/`): every path under it is a file of the package's docs/. SARIF links here by default, since a report is read
 * on other machines than the one that linted, where a `file://` link points nowhere.
 */
export function publishedDocsBase(version: string): string {
  return `https://unpkg.com/${PACKAGE_NAME}@${version}/docs/`;
}
