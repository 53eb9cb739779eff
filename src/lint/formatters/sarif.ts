// SARIF 2.1.0 for code-scanning uploads: rule metadata with help pages, results with exact regions.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Diagnostic, Severity, Span } from "../../diagnostics/diagnostic.js";
import { ruleDocsUrl, shippedRulePage } from "../rule-docs.js";
import { rules } from "../rules/index.js";
import { suppressionMeta } from "../suppressions.js";
import type { FormatOptions, Formatter } from "./formatter.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: "error" | "warning" | "note" };
  helpUri?: string;
  help?: { text: string; markdown: string };
}

const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

/** A rule entry; lint rules and suppression codes have help pages, validate codes do not. */
function ruleEntry(id: string, description: string, severity: Severity, options: FormatOptions): SarifRule {
  const entry: SarifRule = {
    id,
    name: pascal(id),
    shortDescription: { text: description },
    defaultConfiguration: { level: LEVEL[severity] },
  };
  const page = shippedRulePage(id);
  const helpUri = ruleDocsUrl(id, options.docsBaseUri);
  if (helpUri) entry.helpUri = helpUri;
  if (page) {
    const markdown = readFileSync(page, "utf8");
    entry.help = { text: markdown, markdown };
  }
  return entry;
}

/** A file name as a SARIF URI: relative names stay relative to %SRCROOT%, absolute ones become file URIs. */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (file.startsWith("/")) return { uri: pathToFileURL(file).href };
  return { uri: file.split(/[\\/]/).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function region(span: Span) {
  return {
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

function location(span: Span) {
  return { physicalLocation: { artifactLocation: artifactUri(span.file), region: region(span) } };
}

/** `--format sarif`: one run of the tool `rbx`, validated against the SARIF 2.1.0 schema in the tests. */
export function formatSarifWith(version: string): Formatter {
  return (results, options) => {
    const driverRules: SarifRule[] = [
      ...rules.map((r) => ruleEntry(r.meta.id, r.meta.docs.description, r.meta.docs.severity, options)),
      ...suppressionMeta.map((m) => ruleEntry(m.id, m.description, m.severity, options)),
    ];
    const indexOf = new Map(driverRules.map((r, i) => [r.id, i]));
    const ruleIndex = (d: Diagnostic): number => {
      let i = indexOf.get(d.code);
      if (i === undefined) {
        // A code from the loader or checker: listed so every result has its rule.
        i = driverRules.push(ruleEntry(d.code, `rbx validate: ${d.code}`, d.severity, options)) - 1;
        indexOf.set(d.code, i);
      }
      return i;
    };
    const sarifResults = results.flatMap((r) =>
      r.diagnostics.map((d) => {
        const result: Record<string, unknown> = {
          ruleId: d.code,
          ruleIndex: ruleIndex(d),
          level: LEVEL[d.severity],
          message: { text: d.message },
          locations: [location(d.span)],
        };
        if (d.related) {
          result.relatedLocations = d.related.map((rel, id) => ({
            id,
            message: { text: rel.message },
            ...location(rel.span),
          }));
        }
        return result;
      }),
    );
    const log = {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "rbx", version, semanticVersion: version, rules: driverRules } },
          originalUriBaseIds: {
            "%SRCROOT%": { uri: pathToFileURL(`${options.cwd.replace(/\/$/, "")}/`).href },
          },
          columnKind: "utf16CodeUnits",
          results: sarifResults,
        },
      ],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
  };
}
