// The open documents the server analyses: one Analysis per document, for its latest version only, and the
// rule of which documents are runbooks at all (editors that attach to every YAML file get silence elsewhere).
import { fileURLToPath } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ActionCatalog } from "../contract/action.js";
import { isRunbookFile } from "../parser/runbook-files.js";
import { Analysis } from "./analysis.js";

/** The file name diagnostics carry for a document: its path for file: URIs, else the URI itself. */
export function fileOf(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

/** A runbook by its name (*.rb.yaml, *.rb.yml) or by what it says it is (`apiVersion: rbx/…`). */
export function isRunbook(uri: string, text: string): boolean {
  return isRunbookFile(uri) || /^apiVersion:\s*["']?rbx\//m.test(text.slice(0, 64 * 1024));
}

/** Analyses of the open documents, each rebuilt only when its version changes. */
export class Workspace {
  private readonly analyses = new Map<string, Analysis>();

  constructor(
    private readonly catalog: ActionCatalog,
    private readonly maxBytes: () => number,
  ) {}

  /** The analysis of a document's current version; undefined when it is not a runbook or too large. */
  analysis(doc: TextDocument): Analysis | undefined {
    const hit = this.analyses.get(doc.uri);
    if (hit?.version === doc.version) return hit;
    const text = doc.getText();
    if (text.length > this.maxBytes() || !isRunbook(doc.uri, text)) {
      this.analyses.delete(doc.uri);
      return undefined;
    }
    const a = new Analysis(fileOf(doc.uri), doc.version, text, this.catalog);
    this.analyses.set(doc.uri, a);
    return a;
  }

  /** The analysis made last for a document, of whichever version; nothing is loaded. */
  last(uri: string): Analysis | undefined {
    return this.analyses.get(uri);
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
  }
}
