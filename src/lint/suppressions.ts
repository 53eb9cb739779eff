// `# rbx-disable-next-line` (the next line, or the block it opens) and `# rbx-disable … # rbx-enable`
// comments: each needs a reason; unused ones are reported.
import { Lexer } from "yaml";
import type { Diagnostic, Severity, Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";

/** The codes the suppression machinery itself reports; configurable like rules, never suppressible. */
export const SUPPRESSION_CODES = {
  reasonRequired: "suppression-reason-required",
  unused: "unused-suppression",
  invalid: "invalid-suppression",
} as const;

/** Metadata of the suppression codes, for config validation, SARIF and docs. */
export const suppressionMeta: readonly { id: string; description: string; severity: Severity }[] = [
  {
    id: SUPPRESSION_CODES.reasonRequired,
    description: "A suppression comment must give a reason after ` -- `.",
    severity: "error",
  },
  {
    id: SUPPRESSION_CODES.unused,
    description: "A suppression comment that suppresses nothing must be removed.",
    severity: "warning",
  },
  {
    id: SUPPRESSION_CODES.invalid,
    description:
      "A suppression comment must name rule ids, and `rbx-enable` must close an open `rbx-disable`.",
    severity: "error",
  },
];

type Kind = "disable-next-line" | "disable" | "enable";

interface Directive {
  kind: Kind;
  ids: string[];
  reason: string;
  span: Span;
  /** Lines [from, to] the directive covers (1-based, inclusive). */
  from: number;
  to: number;
  used: Set<string>;
}

const DIRECTIVE = /^#\s*rbx-(disable-next-line|disable|enable)\b(.*)$/;

/** What an editor's quick fix writes where the reason goes; left as it is, it counts as no reason. */
export const REASON_PLACEHOLDER = "<why this is safe here>";

/** The comment that suppresses `ids` on the next line (`disable-next-line`) or until `# rbx-enable` (`disable`). */
export function suppressionComment(kind: "disable-next-line" | "disable", ids: readonly string[]): string {
  return `# rbx-${kind} ${ids.join(" ")} -- ${REASON_PLACEHOLDER}`;
}

/** The comment that closes a `# rbx-disable` range. */
export function enableComment(ids: readonly string[]): string {
  return `# rbx-enable ${ids.join(" ")}`;
}
const CONTROL = new Set(["\x02", "\x18", "\x1f"]);

/** The comments of a YAML text with their offsets (comments inside block scalars are content, not comments). */
function comments(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (CONTROL.has(tok)) continue;
    if (tok.startsWith("#")) out.push({ text: tok, offset });
    offset += tok.length;
  }
  return out;
}

/** The next line after `line` that has content other than a comment, or line + 1. */
function nextCodeLine(source: SourceFile, line: number): number {
  const last = source.lineStarts.length;
  for (let l = line + 1; l <= last; l++) {
    const t = source.lineText(l).trim();
    if (t !== "" && !t.startsWith("#")) return l;
  }
  return line + 1;
}

/** Columns of leading blanks; a sequence item's `-` counts as content. */
const indentOf = (text: string): number => text.length - text.trimStart().length;

/**
 * The last line of the block that starts at `line`: the lines after it indented deeper (blank lines and
 * comments in between included), as YAML nests block mappings and sequences. A comment above `- id: upgrade`
 * thus covers the whole step, where rules report at its `action:` or `with:` lines; a line that opens no
 * block covers itself.
 */
function blockEnd(source: SourceFile, line: number): number {
  const indent = indentOf(source.lineText(line));
  let end = line;
  for (let l = line + 1; l <= source.lineStarts.length; l++) {
    const text = source.lineText(l);
    const t = text.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (indentOf(text) <= indent) break;
    end = l;
  }
  return end;
}

/** Parse the directives of a file; malformed ones become diagnostics in `problems`. */
function parseDirectives(
  source: SourceFile,
  problems: Diagnostic[],
  severityOf: (code: string) => Severity | "off",
): Directive[] {
  const report = (code: string, message: string, span: Span) => {
    const sev = severityOf(code);
    if (sev !== "off") problems.push({ code, severity: sev, message, span });
  };
  const directives: Directive[] = [];
  const open = new Map<string, Directive>();
  const lastLine = source.lineStarts.length;
  for (const c of comments(source.text)) {
    const m = DIRECTIVE.exec(c.text.trimEnd());
    if (!m) continue;
    const kind = m[1] as Kind;
    const rest = m[2] ?? "";
    const sep = rest.indexOf(" -- ");
    const idsText = sep >= 0 ? rest.slice(0, sep) : rest.replace(/\s--\s*$/, "");
    const written = sep >= 0 ? rest.slice(sep + 4).trim() : "";
    const reason = written === REASON_PLACEHOLDER ? "" : written;
    const ids = idsText.split(/[\s,]+/).filter((s) => s !== "");
    const span = source.span(c.offset, c.offset + c.text.trimEnd().length);
    const line = span.start.line;
    if (ids.length === 0) {
      report(
        SUPPRESSION_CODES.invalid,
        `rbx-${kind} names no rule; write the rule ids it applies to, e.g. \`# rbx-${kind} unused-param -- reason\``,
        span,
      );
      continue;
    }
    if (kind === "enable") {
      for (const id of ids) {
        const d = open.get(id);
        if (d) {
          d.to = line;
          open.delete(id);
        } else
          report(
            SUPPRESSION_CODES.invalid,
            `rbx-enable ${id} has no open \`# rbx-disable ${id}\` before it; remove it`,
            span,
          );
      }
      continue;
    }
    if (reason === "") {
      report(
        SUPPRESSION_CODES.reasonRequired,
        written === REASON_PLACEHOLDER
          ? `rbx-${kind} needs a reason: replace ${REASON_PLACEHOLDER} with why this is safe here`
          : `rbx-${kind} needs a reason: append \` -- why this is safe here\``,
        span,
      );
    }
    if (kind === "disable-next-line") {
      const next = nextCodeLine(source, line);
      directives.push({ kind, ids, reason, span, from: next, to: blockEnd(source, next), used: new Set() });
    } else {
      const d: Directive = { kind, ids, reason, span, from: line, to: lastLine, used: new Set() };
      directives.push(d);
      for (const id of ids) open.set(id, d);
    }
  }
  return directives;
}

/**
 * Drop the diagnostics that a directive covers, and add the directive problems: missing reasons,
 * malformed directives and suppressions that matched nothing.
 */
export function applySuppressions(
  source: SourceFile,
  diagnostics: readonly Diagnostic[],
  severityOf: (code: string) => Severity | "off",
): Diagnostic[] {
  if (!source.text.includes("rbx-")) return [...diagnostics];
  const problems: Diagnostic[] = [];
  const directives = parseDirectives(source, problems, severityOf);
  if (directives.length === 0) return [...diagnostics, ...problems];
  // Next-line directives by the line they cover, so a file with one per step stays linear.
  const byLine = new Map<number, Directive[]>();
  const ranged: Directive[] = [];
  for (const dir of directives) {
    if (dir.from !== dir.to) ranged.push(dir);
    else {
      const list = byLine.get(dir.from);
      if (list) list.push(dir);
      else byLine.set(dir.from, [dir]);
    }
  }
  const kept = diagnostics.filter((d) => {
    // A file's directives cover its own lines only (an imported library has its own).
    if (d.span.file !== source.name) return true;
    const line = d.span.start.line;
    let suppressed = false;
    for (const list of [byLine.get(line) ?? [], ranged]) {
      for (const dir of list) {
        if (line < dir.from || line > dir.to || !dir.ids.includes(d.code)) continue;
        dir.used.add(d.code);
        suppressed = true;
      }
    }
    return !suppressed;
  });
  const sev = severityOf(SUPPRESSION_CODES.unused);
  if (sev !== "off") {
    for (const dir of directives) {
      for (const id of dir.ids) {
        if (dir.used.has(id)) continue;
        const where = dir.from === dir.to ? `on line ${dir.from}` : `on lines ${dir.from}-${dir.to}`;
        problems.push({
          code: SUPPRESSION_CODES.unused,
          severity: sev,
          message: `this rbx-${dir.kind} of ${id} suppresses nothing ${where}; remove it`,
          span: dir.span,
        });
      }
    }
  }
  return [...kept, ...problems];
}
