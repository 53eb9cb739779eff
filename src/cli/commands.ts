// The command table: names and one-line summaries load nothing; each command's module loads only when run.

/** What every command module exports. `argv` excludes the command name; the result is the exit code. */
export interface CommandModule {
  run(argv: string[], io: CliIO): Promise<number>;
  /** Full usage text shown by `rbx help NAME` and `rbx NAME --help`. */
  usage: string;
}

/** Where a command writes; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

/** Every command rbx has, in the order `rbx --help` lists them. */
export const commands: readonly CommandEntry[] = [
  { name: "validate", summary: "check runbooks against the rbx/v1 schema and types", load: () => import("./commands/validate.js") },
  { name: "schema", summary: "print the runbook JSON Schema", load: () => import("./commands/schema.js") },
];
