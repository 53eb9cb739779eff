// `rbx lint`: everything `rbx validate` finds plus the lint rules, for people (stylish) and for CI (sarif, github, json).

import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { builtinCatalog } from "../../builtins/index.js";
import type { ActionCatalog } from "../../contract/action.js";
import { formatDiagnostics, useColor } from "../../diagnostics/format.js";
import { SourceFile } from "../../diagnostics/source-file.js";
import { EMPTY_CONFIG, findConfigFile, type LintConfig, loadConfig } from "../../lint/config.js";
import { expandTargets } from "../../lint/files.js";
import { tally } from "../../lint/formatters/formatter.js";
import { defaultFormat, FORMAT_NAMES, type FormatName, formatterFor } from "../../lint/formatters/index.js";
import { rules } from "../../lint/rules/index.js";
import { suppressionMeta } from "../../lint/suppressions.js";
import { rbxPackage } from "../../package-root.js";
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

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { noConfig: false, quiet: false, listRules: false, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string | undefined => (eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    const need = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
    switch (flag) {
      case "-f":
      case "--format": {
        const v = need(value());
        if (!v || !(FORMAT_NAMES as readonly string[]).includes(v))
          return `--format needs one of ${FORMAT_NAMES.join(", ")}`;
        a.format = v as FormatName;
        break;
      }
      case "-c":
      case "--config": {
        const v = need(value());
        if (!v) return "--config needs a file";
        a.config = v;
        break;
      }
      case "--max-warnings": {
        const v = need(value());
        if (!v || !/^\d+$/.test(v)) return "--max-warnings needs a whole number, e.g. --max-warnings 0";
        a.maxWarnings = Number(v);
        break;
      }
      case "-o":
      case "--output": {
        const v = need(value());
        if (!v) return "--output needs a file";
        a.output = v;
        break;
      }
      case "--docs-url": {
        const v = need(value());
        if (!v) return "--docs-url needs a base URI";
        a.docsUrl = v;
        break;
      }
      case "--no-config":
        a.noConfig = true;
        break;
      case "--quiet":
        a.quiet = true;
        break;
      case "--list-rules":
        a.listRules = true;
        break;
      default:
        if (raw.startsWith("-") && raw !== "-") return `unknown option ${raw}`;
        a.targets.push(raw);
    }
  }
  if (a.config && a.noConfig) return "--config and --no-config contradict each other; give one";
  return a;
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
  private readonly byPath = new Map<
    string,
    Promise<{ config: LintConfig; diagnostics: import("../../diagnostics/diagnostic.js").Diagnostic[] }>
  >();
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

  /** The config for a file, and problems in it. */
  async forFile(file: string) {
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
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr.write(`rbx lint: ${args}. Run \`rbx lint --help\` for usage.\n`);
    return 2;
  }
  if (args.listRules) {
    io.stdout.write(listRules());
    return 0;
  }
  if (args.targets.length === 0) {
    io.stderr.write(
      "rbx lint: give the runbooks to lint: files, directories or globs, e.g. `rbx lint runbooks`.\n",
    );
    return 2;
  }
  const { files, missing } = await expandTargets(args.targets, io.cwd);
  if (missing.length > 0) {
    io.stderr.write(
      `rbx lint: no runbook found at ${missing.map((m) => `"${m}"`).join(", ")}; check the path or the glob.\n`,
    );
    return 2;
  }
  if (args.config) {
    try {
      await readFile(resolve(io.cwd, args.config));
    } catch {
      io.stderr.write(`rbx lint: cannot read the config file "${args.config}"; check the path.\n`);
      return 2;
    }
  }
  const configs = new ConfigResolver(io.cwd, args.config, args.noConfig);
  const jobs: LintJob[] = [];
  const catalogs: ActionCatalog[] = [];
  for (const [index, file] of files.entries()) {
    const { config, diagnostics } = await configs.forFile(file);
    if (diagnostics.length > 0) {
      const sources = new Map<string, SourceFile>();
      const text = await readFile(diagnostics[0]!.span.file, "utf8");
      sources.set(diagnostics[0]!.span.file, new SourceFile(diagnostics[0]!.span.file, text));
      io.stderr.write(
        await formatDiagnostics(diagnostics, (f) => sources.get(f), { color: useColor(io.stderr, io.env) }),
      );
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
