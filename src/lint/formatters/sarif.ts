// SARIF 2.1.0 for code-scanning uploads: rule metadata with help pages, results with exact regions and fingerprints.
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { Diagnostic, Span } from "../../diagnostics/diagnostic.js";
import type { SourceFile } from "../../diagnostics/source-file.js";
import { PACKAGE_NAME } from "../../package-root.js";
import type { Formatter } from "./formatter.js";
import { defaultDocsBase, LEVEL, type SarifRule, sarifRules } from "./sarif-rules.js";

/** The key of rbx's own entry in `partialFingerprints` (versioned, as SARIF §3.27.17 recommends). */
export const FINGERPRINT_KEY = "rbxFindingHash/v1";

/** Where the tool's home is described. */
export const INFORMATION_URI = `https://www.npmjs.com/package/${PACKAGE_NAME}`;

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

/** The lines a span covers, whitespace-normalised: what stays the same when lines above it are added. */
function spannedText(source: SourceFile | undefined, span: Span): string {
  if (!source) return "";
  const lines: string[] = [];
  for (let l = span.start.line; l <= span.end.line && l - span.start.line < 50; l++)
    lines.push(source.lineText(l).trim().replace(/\s+/g, " "));
  return lines.join("\n");
}

/**
 * A fingerprint per result that survives edits elsewhere in the file: the rule, the file and the text of the
 * flagged lines, plus how many identical findings came before it in that file. Line numbers are left out, so a
 * finding moved down by an insertion above keeps its identity (code scanning keeps its alert, not a new one).
 */
function fingerprinter() {
  const seen = new Map<string, number>();
  return (d: Diagnostic, source: SourceFile | undefined): string => {
    const key = [d.code, d.span.file, spannedText(source, d.span)].join("\0");
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash("sha256").update(`${key}\0${n}`).digest("hex");
  };
}

/** `--format sarif`: one run of the tool `rbx`, validated against the OASIS SARIF 2.1.0 schema in the tests. */
export function formatSarifWith(version: string): Formatter {
  return (results, options) => {
    const given = options.docsBaseUri ?? defaultDocsBase(version);
    const base = given.endsWith("/") ? given : `${given}/`;
    const driverRules: SarifRule[] = sarifRules(base);
    const indexOf = new Map(driverRules.map((r, i) => [r.id, i]));
    const ruleIndex = (d: Diagnostic): number => {
      let i = indexOf.get(d.code);
      if (i === undefined) {
        // A code no catalog lists (a custom catalog's own): still a rule, so every result has one.
        i =
          driverRules.push({
            id: d.code,
            name: d.code,
            shortDescription: { text: `rbx: ${d.code}` },
            fullDescription: { text: `rbx: ${d.code}` },
            defaultConfiguration: { level: LEVEL[d.severity] },
            helpUri: new URL("README.md", base).href,
            help: { text: `rbx: ${d.code}`, markdown: `rbx: \`${d.code}\`` },
            properties: { tags: [] },
          }) - 1;
        indexOf.set(d.code, i);
      }
      return i;
    };
    const fingerprint = fingerprinter();
    const sarifResults = results.flatMap((r) =>
      r.diagnostics.map((d) => {
        const result: Record<string, unknown> = {
          ruleId: d.code,
          ruleIndex: ruleIndex(d),
          level: LEVEL[d.severity],
          message: { text: d.message },
          locations: [location(d.span)],
          partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(d, r.source) },
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
          tool: {
            driver: {
              name: "rbx",
              fullName: `rbx lint (${PACKAGE_NAME} ${version})`,
              version,
              semanticVersion: version,
              informationUri: INFORMATION_URI,
              rules: driverRules,
            },
          },
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
