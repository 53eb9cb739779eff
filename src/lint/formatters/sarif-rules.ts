// The SARIF rule metadata of every code `rbx lint` can report: lint rules, suppression codes, and the validator's
// and expression checker's codes, each with a help page and help text.
import { readFileSync } from "node:fs";
import { checkerCodes } from "../../check/codes.js";
import type { Severity } from "../../diagnostics/diagnostic.js";
import { loaderCodes } from "../../parser/codes.js";
import { publishedDocsBase, ruleDocsUrl, shippedRulePage } from "../rule-docs.js";
import { rules } from "../rules/index.js";
import { suppressionMeta } from "../suppressions.js";

/** SARIF levels by rbx severity. */
export const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** One `reportingDescriptor` of `tool.driver.rules`. */
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  defaultConfiguration: { level: "error" | "warning" | "note" };
  helpUri: string;
  help: { text: string; markdown: string };
  properties: { tags: string[] };
}

/** Where help links point by default: the rule pages of this version's published docs. */
export function defaultDocsBase(version: string): string {
  return `${publishedDocsBase(version)}rules/`;
}

/** Where each kind of code is explained, relative to the rule pages' directory. */
const PAGES = {
  loader: { path: "../format.md", anchor: "diagnostics", title: "the runbook format: diagnostics" },
  checker: {
    path: "../expressions.md",
    anchor: "errors-and-limits",
    title: "the expression language: errors and limits",
  },
  config: {
    path: "README.md",
    anchor: "configuration-rbxyaml",
    title: "lint rules: configuration (.rbx.yaml)",
  },
} as const;

const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

/** The first paragraph after a page's title: what the rule finds, in the page's own words. */
function firstParagraph(markdown: string): string | undefined {
  const body = markdown.replace(/^#[^\n]*\n+/, "");
  const para = body
    .split(/\n\s*\n/)[0]
    ?.replace(/\s*\n\s*/g, " ")
    .trim();
  return para && !para.startsWith("#") ? para : undefined;
}

/** Plain text of a markdown line: code spans and links unwrapped. */
const plain = (s: string) => s.replace(/`([^`]*)`/g, "$1").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");

/** A lint rule or suppression code: its page under docs/rules/ is the help text. */
function documentedRule(id: string, description: string, severity: Severity, base: string, tags: string[]) {
  const file = shippedRulePage(id);
  const page = file ? readFileSync(file, "utf8") : undefined;
  const helpUri = ruleDocsUrl(id, base) as string;
  const markdown = page ?? `${description}\n\nSee ${helpUri}.`;
  return {
    id,
    name: pascal(id),
    shortDescription: { text: description },
    fullDescription: { text: plain((page && firstParagraph(page)) ?? description) },
    defaultConfiguration: { level: LEVEL[severity] },
    helpUri,
    help: { text: plain(markdown), markdown },
    properties: { tags },
  } satisfies SarifRule;
}

/** A code of the loader, the checker or the config: its help is its line of the page that lists it. */
function listedCode(
  id: string,
  meanings: { kind: keyof typeof PAGES; meaning: string }[],
  base: string,
): SarifRule {
  const first = PAGES[meanings[0]!.kind];
  const helpUri = new URL(`${first.path}#${first.anchor}`, base).href;
  const sentence = (m: string) => `${m.charAt(0).toUpperCase()}${m.slice(1)}.`;
  const what = meanings.map((m) => sentence(m.meaning)).join(" In an expression: ");
  const links = meanings.map((m) => {
    const p = PAGES[m.kind];
    return `[${p.title}](${new URL(`${p.path}#${p.anchor}`, base).href})`;
  });
  const stage =
    meanings[0]!.kind === "config"
      ? "`rbx lint` reports it for the `.rbx.yaml` in effect; nothing is linted with a broken config."
      : "`rbx validate` and `rbx lint` report it before any lint rule runs: a runbook with this error does not load or does not type-check, and `rbx run` refuses it.";
  const markdown = [`# ${id}`, "", what, "", stage, "", `See ${links.join(" and ")}.`].join("\n");
  return {
    id,
    name: pascal(id),
    shortDescription: { text: sentence(plain(meanings[0]!.meaning)) },
    fullDescription: { text: plain(what) },
    defaultConfiguration: { level: "error" },
    helpUri,
    help: { text: plain(markdown), markdown },
    properties: {
      tags: [...new Set(meanings.map((m) => (m.kind === "loader" ? "validate" : m.kind)))],
    },
  };
}

/** Every code `rbx lint` reports, with help links under `base` (a directory URI ending in `/`). */
export function sarifRules(base: string): SarifRule[] {
  const out: SarifRule[] = rules.map((r) =>
    documentedRule(r.meta.id, r.meta.docs.description, r.meta.docs.severity, base, ["lint"]),
  );
  for (const m of suppressionMeta)
    out.push(documentedRule(m.id, m.description, m.severity, base, ["lint", "suppression"]));
  const listed = new Map<string, { kind: keyof typeof PAGES; meaning: string }[]>();
  const add = (kind: keyof typeof PAGES, codes: Readonly<Record<string, string>>) => {
    for (const [id, meaning] of Object.entries(codes))
      listed.set(id, [...(listed.get(id) ?? []), { kind, meaning }]);
  };
  add("loader", loaderCodes);
  add("checker", checkerCodes);
  // The one code of lint/config.ts (a .rbx.yaml that does not load).
  add("config", {
    "invalid-config": "a setting of .rbx.yaml is not valid (an unknown rule, a wrong level or option)",
  });
  const taken = new Set(out.map((r) => r.id));
  for (const [id, meanings] of listed) if (!taken.has(id)) out.push(listedCode(id, meanings, base));
  return out;
}
