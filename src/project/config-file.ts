// `.rbx.yaml`, the project's file: parsed with positions, for every section's reader (lint:, actions:).
import { readFileSync } from "node:fs";
import { type Document, isMap, type Node, parseDocument } from "yaml";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { SourceFile } from "../diagnostics/source-file.js";

import { CONFIG_NAME } from "./config-path.js";

/** A parsed `.rbx.yaml`: its text, its YAML document (ranges kept) and the problems of its syntax. */
export interface ProjectConfigFile {
  path: string;
  source: SourceFile;
  /** The top-level mapping, or undefined when the file is empty or not a mapping (reported). */
  root?: Document.Parsed["contents"];
  diagnostics: Diagnostic[];
}

/** The span of a node of the config (the file's start when the node has no range). */
export function spanOf(source: SourceFile, node: Node | null | undefined): Span {
  const r = node?.range;
  return r ? source.span(r[0], r[1]) : source.span(0, 0);
}

/** A problem with the config, on its own lines. */
export function configProblem(
  source: SourceFile,
  message: string,
  node: Node | null | undefined,
): Diagnostic {
  return { code: "invalid-config", severity: "error", message, span: spanOf(source, node) };
}

/** Read and parse a config file; an unreadable file is an `invalid-config` diagnostic. */
export function readConfigFile(path: string): ProjectConfigFile {
  let text = "";
  const diagnostics: Diagnostic[] = [];
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const source = new SourceFile(path, "");
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return { path, source, diagnostics: [configProblem(source, `cannot read ${path} (${reason})`, null)] };
  }
  const source = new SourceFile(path, text);
  const doc = parseDocument(text);
  for (const e of doc.errors)
    diagnostics.push({
      code: "invalid-config",
      severity: "error",
      message: e.message,
      span: source.span(e.pos[0], e.pos[1]),
    });
  const out: ProjectConfigFile = { path, source, diagnostics };
  if (diagnostics.length === 0 && doc.contents !== null) {
    if (isMap(doc.contents)) out.root = doc.contents;
    else
      diagnostics.push(
        configProblem(
          source,
          `${CONFIG_NAME} must be a mapping (keys such as lint:, actions:)`,
          doc.contents,
        ),
      );
  }
  return out;
}

/** The node under a top-level key, or undefined. */
export function section(config: ProjectConfigFile, key: string): Node | undefined {
  const root = config.root;
  if (!root || !isMap(root)) return undefined;
  return (root.get(key, true) as Node | undefined) ?? undefined;
}
