// The rbx entry point: parse the command name, load only that command, map errors to exit codes.

import { didYouMean } from "../diagnostics/did-you-mean.js";
import { rbxPackage } from "../package-root.js";
import { reportThrown } from "./cli-error.js";
import { commands } from "./command-table.js";
import { growYoungGenerationAtOnce, keepHeapSmall } from "./heap-policy.js";
import { type CliIO, processIO } from "./io.js";

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, problems: 1, usage: 2, halted: 3, interrupted: 130 } as const;

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "rbx — declarative runbooks: validate, lint, plan and run upgrades with rollback boundaries",
    "",
    "Usage: rbx <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  --version  print the version",
    "  --help     print this help, or `rbx <command> --help` for a command's",
    "",
  ].join("\n");
}

/** Run rbx with the given arguments and return the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V") {
    io.stdout.write(`${rbxPackage().version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    const entry = topic ? commands.find((c) => c.name === topic) : undefined;
    io.stdout.write(entry ? (await entry.load()).usage : help());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = commands.find((c) => c.name === first);
  if (!entry) {
    const hint = didYouMean(
      first,
      commands.map((c) => c.name),
    );
    io.stderr.write(`rbx: unknown command "${first}".${hint} Run \`rbx --help\` for the list.\n`);
    return EXIT.usage;
  }
  const mod = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(mod.usage);
    return EXIT.ok;
  }
  if (entry.holdsRun) keepHeapSmall(entry.compilersOff !== undefined);
  else if (entry.readsAtOnce) growYoungGenerationAtOnce();
  try {
    return await mod.run(rest, io);
  } catch (err) {
    return reportThrown(first, err, io);
  }
}
