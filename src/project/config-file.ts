// `.rbx.yaml`, the project's file: parsed with positions, for every section's reader (lint:, actions:).
import { type Document, isMap, type Node } from "yaml";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { readSourceText } from "../diagnostics/read-source.js";
import { SourceFile } from "../diagnostics/source-file.js";
import { parseYaml } from "../parser/yaml-document.js";

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

/**
 * Read and parse a config file: a regular file of at most MAX_SOURCE_BYTES, its YAML read by the runbook's
 * rules (one error per mistake, with a hint; nesting bounded; no library warning on stderr). What is wrong is
 * an `invalid-config` diagnostic on the config's own lines.
 */
export function readConfigFile(path: string): ProjectConfigFile {
  const read = readSourceText(path);
  if (!read.ok) {
    const source = new SourceFile(path, "");
    return {
      path,
      source,
      diagnostics: [configProblem(source, `cannot read ${path}: ${read.reason}`, null)],
    };
  }
  const source = new SourceFile(path, read.text);
  const parsed = parseYaml(source);
  const diagnostics: Diagnostic[] = parsed.diagnostics.map((d) => ({ ...d, code: "invalid-config" }));
  const doc = parsed.doc;
  const out: ProjectConfigFile = { path, source, diagnostics };
  if (!parsed.fatal && doc.contents !== null) {
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
