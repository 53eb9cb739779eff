// Errors a command ends with, said in one line (`rbx CMD: what is wrong and what to do`), never as a stack trace.
import { describeSystemError, isSystemError } from "../diagnostics/system-error.js";
import { StoreWriteError } from "../run/store/store-error.js";
import type { CliIO } from "./io.js";

/** A problem found deep inside a command (a --state-dir that is a file): its message and exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exit = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Say how a command ended when it threw: a CliError as itself; an operating-system error by what failed and
 * why (exit 2: nothing was done, or the command could not finish its output); anything else as an internal
 * error (exit 1) with the stack only under RBX_DEBUG=1. Returns the exit code.
 */
export function reportThrown(command: string, err: unknown, io: CliIO): number {
  if (err instanceof CliError || err instanceof StoreWriteError) {
    io.stderr.write(`rbx ${command}: ${err.message}\n`);
    return err instanceof CliError ? err.exit : 2;
  }
  if (isSystemError(err)) {
    io.stderr.write(`rbx ${command}: ${describeSystemError(err)}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  const stack = io.env.RBX_DEBUG && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  io.stderr.write(
    `rbx ${command}: internal error: ${message}. This is a bug in rbx: please report it with the command ` +
      `you ran (RBX_DEBUG=1 prints where it happened).${stack}\n`,
  );
  return 1;
}
