// The streams, environment and working directory a command runs with; tests pass their own.
import { systemReason } from "../diagnostics/system-error.js";
import { lazyStream } from "./lazy-stream.js";

/** Where a command writes; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Codes of a reader that went away (`rbx schema | head -1`), and of writes after it did. */
const CLOSED = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

/**
 * The process's own streams, made safe to write to whatever happens to them: a closed pipe is quiet (what
 * was left to print goes nowhere; the exit code stays the command's own), and any other write failure
 * (a terminal hung up, a disk that filled under `> file`) is said once on stderr and makes a successful
 * exit 1, since the output is incomplete. Each stream is made on first need (lazy-stream.ts) and guarded then.
 */
export function processIO(): CliIO {
  return {
    stdout: lazyStream(1, () => guarded(process.stdout, "standard output")),
    stderr: lazyStream(2, () => guarded(process.stderr, "standard error")),
    env: process.env,
    cwd: process.cwd(),
  };
}

let failure: string | undefined;
let exitHooked = false;
const guardedStreams = new WeakSet<NodeJS.WriteStream>();

function guarded(stream: NodeJS.WriteStream, name: string): NodeJS.WriteStream {
  if (guardedStreams.has(stream)) return stream;
  guardedStreams.add(stream);
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (CLOSED.has(err.code ?? "") || failure !== undefined) return;
    failure = `rbx: cannot write to ${name}: ${systemReason(err)}`;
    if (stream !== process.stderr) process.stderr.write(`${failure}\n`);
  });
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      if (failure !== undefined && !process.exitCode) process.exitCode = 1;
    });
  }
  return stream;
}
