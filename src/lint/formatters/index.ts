// The output formats by name, for `--format`.
import type { Formatter } from "./formatter.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarifWith } from "./sarif.js";
import { formatStylish } from "./stylish.js";

/** Names `--format` accepts. */
export const FORMAT_NAMES = ["stylish", "json", "sarif", "github"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** The formatter for a name; `version` is the rbx version SARIF records. */
export function formatterFor(name: FormatName, version: string): Formatter {
  switch (name) {
    case "stylish":
      return formatStylish;
    case "json":
      return formatJson;
    case "sarif":
      return formatSarifWith(version);
    case "github":
      return formatGithub;
  }
}

/** `--format` when none is given: GitHub annotations inside GitHub Actions, stylish elsewhere. */
export function defaultFormat(env: Readonly<Record<string, string | undefined>>): FormatName {
  return env.GITHUB_ACTIONS === "true" ? "github" : "stylish";
}
