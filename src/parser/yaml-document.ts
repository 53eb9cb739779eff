// Parses YAML with ranges kept and reports what rbx refuses at the YAML level, before any schema check.
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLError,
  type Node as YamlNode,
} from "yaml";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { withYamlEnv } from "./yaml-env.js";

/** A parsed document and what is wrong with it as YAML; `fatal` means the tree cannot be trusted. */
export interface ParsedYaml {
  doc: Document.Parsed;
  diagnostics: Diagnostic[];
  fatal: boolean;
}

const yamlCodes: Record<string, string> = {
  TAB_AS_INDENT: "tab-indentation",
  MULTIPLE_DOCS: "multiple-documents",
  RESOURCE_EXHAUSTION: "too-deeply-nested",
};

/** The deepest nesting of lists and mappings rbx reads; runbooks use a handful, helm values a dozen or two. */
export const MAX_NESTING = 64;

const TOO_DEEP =
  `Lists and mappings nest deeper than rbx reads (${MAX_NESTING} levels); a runbook needs a handful. ` +
  "Look for an unclosed `[` or `{`, or indentation that keeps growing";

/** yaml's message without its own "at line…" excerpt (ours prints the caret). */
function yamlMessage(e: YAMLError): string {
  const base = e.message.split(/ at line \d+, column \d+/)[0] ?? e.message;
  switch (e.code) {
    case "TAB_AS_INDENT":
      return "Tabs are not allowed in indentation; indent with spaces";
    case "MULTIPLE_DOCS":
      return "A runbook file holds one document; remove the `---` separator or move the second document to its own file";
    case "RESOURCE_EXHAUSTION":
      return TOO_DEEP;
    default:
      return `Invalid YAML: ${syntaxHint(e.code, base.replace(/\.$/, ""))}`;
  }
}

/** What the yaml package's message means where runbooks go wrong, and what to write instead. */
function syntaxHint(code: string, base: string): string {
  const quote = 'quote the value if it is text (for example `input: "x[0]"`)';
  if (code === "UNEXPECTED_TOKEN" && /flow-(seq|map)-start at node end/.test(base))
    return `a \`${base.includes("seq") ? "[" : "{"}\` in the middle of a value starts a ${base.includes("seq") ? "list" : "mapping"}; inside \`{ }\` or \`[ ]\`, ${quote.replace("quote the value if it is text", "quote a value that holds [ ] { } or ,")}`;
  const unclosed = unclosedFlow(code, base);
  if (unclosed)
    return `this \`${unclosed.open}\` is never closed: close it with \`${unclosed.close}\`, or ${quote}`;
  if (code === "BLOCK_AS_IMPLICIT_KEY")
    return `a \`: \` inside a plain value starts a mapping: ${quote.replace("x[0]", "a: b")}, or put the mapping on its own lines`;
  if (code === "MULTILINE_IMPLICIT_KEY")
    return "a key must be on one line: check for a missing `:` or a value that runs onto the next line";
  return `${base}; fix the syntax here (indentation, quotes, brackets)`;
}

/** The bracket an "unclosed flow collection" error is about, or undefined for any other error. */
function unclosedFlow(code: string, base: string): { open: string; close: string } | undefined {
  if (code !== "BAD_INDENT" || !/^Flow (sequence|map) in block collection/.test(base)) return undefined;
  return base.includes("sequence") ? { open: "[", close: "]" } : { open: "{", close: "}" };
}

/**
 * Where the bracket that is never closed opens: yaml reports where it gave up (the next line, the end of the
 * file), the operator needs to see the `[`. Scans back from `pos`, skipping brackets that are matched.
 */
function openerBefore(text: string, pos: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let i = Math.min(pos, text.length) - 1; i >= 0; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open && depth-- === 0) return i;
  }
  return undefined;
}

/**
 * Lines whose indentation holds a tab outside any scalar (YAML refuses tabs as indentation). Only lines with a
 * tab somewhere are looked at: most files have none, and then this costs one scan of the text.
 */
function tabDiagnostics(src: SourceFile, scalarRanges: [number, number][]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inScalar = (o: number): boolean => scalarRanges.some(([s, e]) => o > s && o < e);
  for (let at = src.text.indexOf("\t"); at >= 0; ) {
    const line = src.position(at).line;
    const start = src.lineStarts[line - 1] as number;
    // The next tab search starts on the next line: one look per line, however many tabs it holds.
    at = src.text.indexOf("\t", src.lineStarts[line] ?? src.text.length);
    const text = src.lineText(line);
    const lead = /^[ \t]*/.exec(text)?.[0] ?? "";
    const tab = lead.indexOf("\t");
    if (tab < 0 || lead.length === text.length || inScalar(start + tab)) continue;
    out.push(
      diagnostic(
        "tab-indentation",
        "error",
        "Tabs are not allowed in indentation; indent with spaces",
        src.span(start + tab, start + tab + 1),
      ),
    );
  }
  return out;
}

/** The span of `&name` or `!tag` written before a node (the node's own range starts after its properties). */
function propertySpan(
  src: SourceFile,
  node: YamlNode,
  marker: string,
  fallbackEnd: number,
): [number, number] {
  const start = node.range?.[0] ?? 0;
  const at = src.text.lastIndexOf(marker, start);
  return at >= 0 ? [at, at + marker.length] : [start, fallbackEnd];
}

/**
 * Every node of a document in document order (a collection before its items, a key before its value), with the
 * number of collections above it; `visitNode` returns false to stop. A direct walk: yaml's `visit` copies the path
 * to each collection and pair, a tenth of the parse's time on a runbook.
 */
function eachNode(
  node: unknown,
  collections: number,
  visitNode: (node: YamlNode, collections: number) => boolean,
): boolean {
  if (isPair(node))
    return eachNode(node.key, collections, visitNode) && eachNode(node.value, collections, visitNode);
  if (!isNode(node)) return true;
  if (!visitNode(node, collections)) return false;
  if (isCollection(node))
    for (const item of node.items) if (!eachNode(item, collections + 1, visitNode)) return false;
  return true;
}

/** Anchors, aliases, merge keys, tags and duplicate keys: legal YAML that rbx refuses. */
function refusedConstructs(
  doc: Document.Parsed,
  src: SourceFile,
  scalars: [number, number][] | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  eachNode(doc.contents, 0, (node, collections) => {
    const range = node.range ?? [0, 0, 0];
    if (collections > MAX_NESTING) {
      out.push(diagnostic("too-deeply-nested", "error", TOO_DEEP, src.span(range[0], range[0] + 1)));
      return false;
    }
    if (scalars && isScalar(node)) scalars.push([range[0], range[1]]);
    if (isAlias(node)) {
      out.push(
        diagnostic(
          "yaml-anchor",
          "error",
          `Aliases (*${node.source}) are not allowed: write the value out here so each step reads on its own`,
          src.span(range[0], range[1]),
        ),
      );
      return true;
    }
    if (node.anchor) {
      const [s, e] = propertySpan(src, node, `&${node.anchor}`, range[1]);
      out.push(
        diagnostic(
          "yaml-anchor",
          "error",
          `Anchors (&${node.anchor}) are not allowed: remove it and write shared values out where they are used`,
          src.span(s, e),
        ),
      );
    }
    if (node.tag) {
      const tag =
        src.text
          .slice(0, range[0])
          .match(/!\S*\s*$/)?.[0]
          ?.trim() ?? node.tag;
      const [s, e] = propertySpan(src, node, tag, range[1]);
      out.push(
        diagnostic(
          "yaml-tag",
          "error",
          /^![A-Za-z_(]/.test(tag)
            ? `YAML reads ${tag} as a tag, not as a negation: put the whole expression in quotes`
            : `Tags (${tag}) are not allowed: remove the tag; quote the value if it must be a string`,
          src.span(s, e),
        ),
      );
    }
    if (isMap(node)) mapKeyProblems(node.items as Pair<YamlNode, YamlNode>[], src, out);
    return true;
  });
  return out;
}

/** The keys of one mapping rbx refuses (collections, `<<`, the same key twice), onto `out`. */
function mapKeyProblems(items: Pair<YamlNode, YamlNode>[], src: SourceFile, out: Diagnostic[]): void {
  // Most mappings hold a handful of keys: looking back over them costs less than a Map per mapping.
  const seen = items.length > 8 ? new Map<string, Scalar>() : undefined;
  const names: string[] = [];
  const keys: Scalar[] = [];
  for (const pair of items) {
    const key = pair.key;
    if (isCollection(key)) {
      const [ks, ke] = key.range ?? [0, 0];
      out.push(
        diagnostic(
          "complex-key",
          "error",
          "A key must be a name, not a list or a mapping: write `name: value` (a `?` key or a `[`…`]` key is YAML rbx does not read)",
          src.span(ks, ke),
        ),
      );
      continue;
    }
    if (!isScalar(key)) continue;
    const name = String(key.value);
    const [ks, ke] = key.range ?? [0, 0];
    if (name === "<<" && key.type === "PLAIN") {
      out.push(
        diagnostic(
          "yaml-merge-key",
          "error",
          "Merge keys (<<) are not allowed: write the fields out in this mapping",
          src.span(ks, ke),
        ),
      );
      continue;
    }
    const first = seen ? seen.get(name) : keys[names.indexOf(name)];
    if (first) {
      const [fs, fe] = first.range ?? [0, 0];
      out.push(
        diagnostic(
          "duplicate-key",
          "error",
          `Duplicate key "${name}": YAML would silently keep only the last one; remove or rename one of them`,
          src.span(ks, ke),
          [{ span: src.span(fs, fe), message: `"${name}" is first given here` }],
        ),
      );
    } else if (seen) seen.set(name, key);
    else {
      names.push(name);
      keys.push(key);
    }
  }
}

/**
 * A line that ends with a block scalar's header (`|` or `>`, indicators, a comment): only a block scalar's decoding
 * reads the source tokens, which hold as much memory again as the document (~4 KB per step of a large runbook).
 * A false match only keeps them; a block scalar always matches.
 */
const BLOCK_HEADER = /[|>][0-9+-]*[ \t]*(?:#[^\n]*)?\r?$/m;

/** Parse one file's text. */
export function parseYaml(src: SourceFile): ParsedYaml {
  const keepSourceTokens = BLOCK_HEADER.test(src.text);
  // logLevel "error": the yaml package's warnings (a collection used as a key, …) would go to the process's
  // stderr raw; every problem is a diagnostic here instead.
  const doc = withYamlEnv(() =>
    parseDocument(src.text, {
      keepSourceTokens,
      uniqueKeys: false,
      prettyErrors: false,
      logLevel: "error",
    }),
  );
  // Scalars' ranges only matter where a tab may sit inside one; most files hold no tab.
  const scalars: [number, number][] | undefined = src.text.includes("\t") ? [] : undefined;
  const refused = refusedConstructs(doc, src, scalars);
  const tabs = scalars ? tabDiagnostics(src, scalars) : [];
  const tabLines = new Set(tabs.map((d) => d.span.start.line));
  const diagnostics: Diagnostic[] = [...tabs];
  // One YAML mistake, one error: after the first the parser is lost, and what it reports further down (often
  // dozens of lines) follows from the first. Tabs in indentation are found on their own, each reported.
  const first = [...doc.errors]
    .sort((a, b) => a.pos[0] - b.pos[0])
    .find((e) => !tabLines.has(src.position(e.pos[0]).line));
  if (first) {
    const unclosed = unclosedFlow(first.code, first.message);
    const opener = unclosed && openerBefore(src.text, first.pos[0], unclosed.open, unclosed.close);
    const span = opener !== undefined ? src.span(opener, opener + 1) : src.span(first.pos[0], first.pos[1]);
    diagnostics.push(diagnostic(yamlCodes[first.code] ?? "yaml-syntax", "error", yamlMessage(first), span));
  }
  for (const w of doc.warnings) {
    if (w.code === "TAG_RESOLVE_FAILED") continue;
    diagnostics.push(diagnostic("yaml-syntax", "warning", yamlMessage(w), src.span(w.pos[0], w.pos[1])));
  }
  const fatal = diagnostics.some((d) => d.severity === "error");
  if (!fatal && doc.contents === null) {
    diagnostics.push(
      diagnostic(
        "empty-document",
        "error",
        "The file holds no runbook; start it with `apiVersion: rbx/v1` and `kind: Runbook`",
        src.span(0, 0),
      ),
    );
    return { doc, diagnostics, fatal: true };
  }
  // The parser itself may already have given up on the nesting: say it once.
  const deep = diagnostics.some((d) => d.code === "too-deeply-nested");
  diagnostics.push(...(deep ? refused.filter((d) => d.code !== "too-deeply-nested") : refused));
  // Refused constructs change what the data means, so schema errors past them would mislead: stop here.
  return { doc, diagnostics, fatal: diagnostics.some((d) => d.severity === "error") };
}
