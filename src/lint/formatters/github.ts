// GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request's diff.
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Formatter } from "./formatter.js";

const COMMAND: Record<Diagnostic["severity"], string> = {
  error: "error",
  warning: "warning",
  info: "notice",
};

/** Escape a message (data part) of a workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escape a property value of a workflow command (also `:` and `,`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` line. */
export function annotation(d: Diagnostic): string {
  const { start, end } = d.span;
  const props = [
    `file=${escapeProperty(d.span.file)}`,
    `line=${start.line}`,
    `col=${start.column}`,
    `endLine=${end.line}`,
    `endColumn=${end.column}`,
    `title=${escapeProperty(`rbx ${d.code}`)}`,
  ].join(",");
  return `::${COMMAND[d.severity]} ${props}::${escapeData(d.message)}`;
}

/** `--format github`, chosen automatically when GITHUB_ACTIONS=true. */
export const formatGithub: Formatter = (results) => {
  const lines = results.flatMap((r) => r.diagnostics.map(annotation));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
};
