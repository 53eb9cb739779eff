// An action's section of docs/actions.md (shipped with rbx), read once, for hovers and completion items.
import { readFileSync } from "node:fs";
import { packagePath } from "../package-root.js";

const MAX_CHARS = 4000;
let sections: Map<string, string> | undefined;

/** The sections of docs/actions.md by action name (`## \`helm.upgrade\``); empty when the file is absent. */
function load(): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(packagePath("docs", "actions.md"), "utf8");
  } catch {
    return out;
  }
  const parts = text.split(/^## /m);
  for (const part of parts.slice(1)) {
    const m = /^`([^`]+)`\s*\n/.exec(part);
    if (!m) continue;
    const body = part.slice(m[0].length).trim();
    out.set(m[1] as string, body.length > MAX_CHARS ? `${body.slice(0, MAX_CHARS)}…` : body);
  }
  return out;
}

/** The documentation of an action, or undefined when docs/actions.md has no section for it. */
export function actionDocs(name: string): string | undefined {
  sections ??= load();
  return sections.get(name);
}
