// `rbx lint`: everything `rbx validate` finds plus the lint rules, for people (stylish) and for CI (sarif, github, json).

import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { builtinCatalog } from "../../builtins/index.js";
import type { ActionCatalog } from "../../contract/action.js";
import { useColor } from "../../diagnostics/color.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { readSourceText } from "../../diagnostics/read-source.js";
import { EMPTY_CONFIG, findConfigFile, type LoadedConfig, loadConfig } from "../../lint/config.js";
import { expandTargets } from "../../lint/files.js";
import { tally } from "../../lint/formatters/formatter.js";
import { defaultFormat, FORMAT_NAMES, type FormatName, formatterFor } from "../../lint/formatters/index.js";
import { rules } from "../../lint/rules/index.js";
import { suppressionMeta } from "../../lint/suppressions.js";
import { rbxPackage } from "../../package-root.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import type { LintJob } from "../lint-jobs.js";
import { lintJobs } from "../lint-pool.js";
import { cliCatalog } from "../project-catalog.js";

/** Shown by `rbx lint --help`. */
export const usage = `Usage: rbx lint [options] <file|directory|glob>...

Lint runbooks: schema, references and expression types (all that \`rbx validate\` finds)
plus rules for rollback posture, backups, pinned versions, timeouts, verification and secrets.
Directories are searched for *.rb.yaml / *.rb.yml and other YAML files with \`apiVersion: rbx/…\`.

Options:
  -f, --format <name>     stylish (default), json, sarif or github (default inside GitHub Actions)
  -c, --config <file>     use this config instead of the nearest .rbx.yaml
      --no-config         ignore .rbx.yaml files
      --max-warnings <n>  exit 1 when there are more than n warnings
      --quiet             report errors only
  -o, --output <file>     write the report to a file instead of stdout
      --docs-url <base>   base URI of the rule pages in SARIF (\`<base><rule-id>.md\`); default:
                          this version's docs on the npm CDN (https://unpkg.com/rbx-runbooks@<version>/docs/rules/)
      --list-rules        print every rule with its default severity
  -h, --help              print this help

Suppress one finding with a reason:  # rbx-disable-next-line <rule-id> -- <reason>
Exit codes: 0 clean (or warnings only), 1 errors or too many warnings, 2 usage or config error.
`;

interface Args {
  format?: FormatName;
  config?: string;
  noConfig: boolean;
  maxWarnings?: number;
  quiet: boolean;
  output?: string;
  docsUrl?: string;
  listRules: boolean;
  targets: string[];
}

const options = {
  format: { type: "string", short: "f" },
  config: { type: "string", short: "c" },
  "no-config": { type: "boolean" },
  "max-warnings": { type: "string" },
  quiet: { type: "boolean" },
  output: { type: "string", short: "o" },
  "docs-url": { type: "string" },
  "list-rules": { type: "boolean" },
} as const;

/** The command line as Args, or undefined once the mistake is said. */
function parseArgs(argv: readonly string[], io: CliIO): Args | undefined {
  const parsed = parseCommandLine("lint", argv, options, io, { positionals: true });
  if (!parsed) return undefined;
  const v = parsed.values;
  const wrong = (message: string) => {
    usageError(io, "lint", message);
    return undefined;
  };
  if (v.format !== undefined && !(FORMAT_NAMES as readonly string[]).includes(v.format))
    return wrong(`--format needs one of ${FORMAT_NAMES.join(", ")}`);
  if (v["max-warnings"] !== undefined && !/^\d+$/.test(v["max-warnings"]))
    return wrong("--max-warnings needs a whole number, e.g. --max-warnings 0");
  if (v.config !== undefined && v["no-config"])
    return wrong("--config and --no-config contradict each other; give one");
  return {
    ...(v.format !== undefined ? { format: v.format as FormatName } : {}),
    ...(v.config !== undefined ? { config: v.config } : {}),
    noConfig: v["no-config"] === true,
    ...(v["max-warnings"] !== undefined ? { maxWarnings: Number(v["max-warnings"]) } : {}),
    quiet: v.quiet === true,
    ...(v.output !== undefined ? { output: v.output } : {}),
    ...(v["docs-url"] !== undefined ? { docsUrl: v["docs-url"] } : {}),
    listRules: v["list-rules"] === true,
    targets: parsed.positionals,
  };
}

function listRules(): string {
  const all = [
    ...rules.map((r) => ({
      id: r.meta.id,
      severity: r.meta.docs.severity,
      description: r.meta.docs.description,
    })),
    ...suppressionMeta,
  ];
  const w = Math.max(...all.map((r) => r.id.length));
  return `${all.map((r) => `${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.description}`).join("\n")}\n`;
}

/** Configs are looked up once per directory. */
class ConfigResolver {
  private readonly byPath = new Map<string, Promise<LoadedConfig>>();
  constructor(
    private readonly cwd: string,
    private readonly explicit: string | undefined,
    private readonly disabled: boolean,
  ) {}

  /** The `.rbx.yaml` that applies to a file: the one given, else the nearest above it (or the working directory). */
  pathFor(file: string): string | undefined {
    if (this.disabled) return undefined;
    return this.explicit
      ? resolve(this.cwd, this.explicit)
      : (findConfigFile(dirname(resolve(this.cwd, file))) ?? findConfigFile(this.cwd));
  }

  /** The config for a file, and problems in it (with the config's text when there is one). */
  async forFile(file: string): Promise<Partial<LoadedConfig> & Pick<LoadedConfig, "config" | "diagnostics">> {
    const path = this.pathFor(file);
    if (!path) return { config: EMPTY_CONFIG, diagnostics: [] };
    let p = this.byPath.get(path);
    if (!p) {
      p = loadConfig(path);
      this.byPath.set(path, p);
    }
    return p;
  }
}

/** Run `rbx lint`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, io);
  if (!args) return 2;
  if (args.listRules) {
    io.stdout.write(listRules());
    return 0;
  }
  if (args.targets.length === 0)
    return usageError(
      io,
      "lint",
      "give the runbooks to lint: files, directories or globs, e.g. `rbx lint runbooks`",
    );
  const { files, missing } = await expandTargets(args.targets, io.cwd);
  if (missing.length > 0) {
    io.stderr.write(
      `rbx lint: no runbook found at ${missing.map((m) => `"${m}"`).join(", ")}; check the path or the glob.\n`,
    );
    return 2;
  }
  if (args.config) {
    const read = readSourceText(resolve(io.cwd, args.config));
    if (!read.ok) {
      io.stderr.write(`rbx lint: cannot read the config file "${args.config}": ${read.reason}\n`);
      return 2;
    }
  }
  const configs = new ConfigResolver(io.cwd, args.config, args.noConfig);
  const jobs: LintJob[] = [];
  const catalogs: ActionCatalog[] = [];
  for (const [index, file] of files.entries()) {
    const { config, diagnostics, source } = await configs.forFile(file);
    if (hasErrors(diagnostics)) {
      io.stderr.write(formatDiagnostics(diagnostics, () => source, { color: useColor(io.stderr, io.env) }));
      io.stderr.write("rbx lint: fix the config file above (or pass --no-config).\n");
      return 2;
    }
    // The same catalog every verb uses, from the same config: its own actions' effects and types are linted.
    const configFile = configs.pathFor(file);
    const catalog = configFile
      ? await cliCatalog("lint", io, { near: resolve(io.cwd, file), configFile })
      : builtinCatalog;
    if (!catalog) return 2;
    jobs.push({ index, file, path: resolve(io.cwd, file), config, ...(configFile ? { configFile } : {}) });
    catalogs.push(catalog);
  }
  const results = await lintJobs(jobs, (job) => catalogs[job.index] as ActionCatalog);
  if (args.quiet)
    for (const r of results) r.diagnostics = r.diagnostics.filter((d) => d.severity === "error");
  const format = args.format ?? defaultFormat(io.env);
  const color = args.output === undefined && useColor(io.stdout, io.env);
  const options = args.docsUrl ? { color, cwd: io.cwd, docsBaseUri: args.docsUrl } : { color, cwd: io.cwd };
  const report = await formatterFor(format, rbxPackage().version)(results, options);
  if (args.output) await writeFile(resolve(io.cwd, args.output), report);
  else io.stdout.write(report);
  const t = tally(results);
  if (t.errors > 0) return 1;
  if (args.maxWarnings !== undefined && t.warnings > args.maxWarnings) {
    io.stderr.write(`rbx lint: ${t.warnings} warnings exceed --max-warnings ${args.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}
