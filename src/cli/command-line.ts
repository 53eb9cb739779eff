// Every command's options read one way: node's parseArgs, with one form for every mistake and "did you mean".
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { CliIO } from "./io.js";

/** The values parseArgs gives for an option table (strings, booleans, arrays for `multiple`). */
export type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>["values"];

/** A command line as read: the options by name and the positionals in order. */
export interface CommandLine<O extends ParseArgsOptionsConfig> {
  values: OptionValues<O>;
  positionals: string[];
}

/**
 * Say a usage mistake in the one form every command uses, `rbx CMD: what is wrong` then where the usage is,
 * and give the usage exit code (2).
 */
export function usageError(io: CliIO, command: string, message: string): 2 {
  io.stderr.write(`rbx ${command}: ${message}\nRun \`rbx ${command} --help\` for its usage.\n`);
  return 2;
}

/**
 * Read `argv` against `options`. `--name value`, `--name=value`, `-x value` and `--` work as in parseArgs; an
 * argument that starts with a dash but not with a letter (`-1`, `-(a + b)`) is a positional, so expressions
 * and negative numbers need no `--`. A mistake (an unknown option, with the nearest known one; a missing or
 * unwanted value; a positional where none is taken) is said with `usageError`, and gives undefined.
 */
export function parseCommandLine<const O extends ParseArgsOptionsConfig>(
  command: string,
  argv: readonly string[],
  options: O,
  io: CliIO,
  config: { positionals?: boolean } = {},
): CommandLine<O> | undefined {
  const problem = (message: string) => {
    usageError(io, command, message);
    return undefined;
  };
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean | (string | boolean)[]> = {};
  const positionals: string[] = [];
  let lastIndex = -1;
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (spec === undefined) {
      const raw = argv[token.index] as string;
      if (/^-[^-A-Za-z]/.test(raw)) {
        // One argument such as `-1+2` comes back as several short options; keep it whole, once.
        if (token.index !== lastIndex) positionals.push(raw);
        lastIndex = token.index;
        continue;
      }
      // Suggested by their long names only: one letter is close to every other letter.
      const known = Object.keys(options).map((name) => `--${name}`);
      return problem(`unknown option "${token.rawName}".${didYouMean(token.rawName, known)}`);
    }
    let value: string | boolean;
    if (spec.type === "string") {
      // `--state-dir --json`: the next word is an option, not the value that was forgotten.
      const forgotten =
        token.inlineValue === false && token.value !== undefined && isOption(token.value, options);
      if (token.value === undefined || token.value === "" || forgotten)
        return problem(`${token.rawName} needs a value, as in ${token.rawName} VALUE`);
      value = token.value;
    } else {
      if (token.inlineValue) return problem(`${token.rawName} takes no value`);
      value = true;
    }
    if (spec.multiple) {
      const list = (values[token.name] as (string | boolean)[] | undefined) ?? [];
      list.push(value);
      values[token.name] = list;
    } else values[token.name] = value;
  }
  if (!config.positionals && positionals.length > 0)
    return problem(`unexpected argument "${positionals[0]}"; it takes none`);
  return { values: values as OptionValues<O>, positionals };
}

function isOption(word: string, options: ParseArgsOptionsConfig): boolean {
  const name = /^--([^=]+)/.exec(word)?.[1];
  if (name !== undefined) return Object.hasOwn(options, name);
  return /^-[A-Za-z]$/.test(word) && Object.values(options).some((o) => o.short === word.slice(1));
}
