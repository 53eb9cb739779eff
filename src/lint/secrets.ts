// Which names an expression reads are secrets: `secret` params and env vars declared `secret: true`.
import type { Runbook } from "../parser/ast.js";
import type { Reference } from "./expression-names.js";
import type { RunbookIndex } from "./runbook-index.js";

/** Tells whether a reference reads a secret, and names it (`params.token`, `env.PGPASSWORD`). */
export class SecretNames {
  private readonly secretEnv: ReadonlySet<string>;

  constructor(
    runbook: Runbook,
    private readonly index: RunbookIndex,
  ) {
    this.secretEnv = new Set(runbook.env.filter((e) => e.secret).map((e) => e.name.value));
  }

  /** `params.NAME` of a `secret` param or `env.NAME` of a secret env var; undefined otherwise. */
  of(ref: Reference): string | undefined {
    const first = ref.path[0];
    if (!first) return undefined;
    if (ref.root === "params" && this.index.param(first)?.type === "secret") return `params.${first}`;
    if (ref.root === "env" && this.secretEnv.has(first)) return `env.${first}`;
    return undefined;
  }
}

/** The words of a camelCase, snake_case or kebab-case name, lower case (`adminAPIToken` → admin, api, token). */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}
