// Running an external tool (helm, pg_dump, pg_restore) under an action's deadline, with a redacted failure.
import type { ActionContext } from "../../contract/action.js";
import { ActionError, messageOf } from "./action-error.js";
import { abortError, type Deadline } from "./deadline.js";

/** One run of a tool, and how its failure is named. */
export interface ToolCommand {
  /** The binary: a path, or a name looked up on PATH. */
  command: string;
  args: string[];
  /** The whole environment it sees (nothing is inherited). */
  env: Readonly<Record<string, string | undefined>>;
  /** Names it in messages, e.g. `helm upgrade` or `pg_dump`. */
  label: string;
  /** How long a cancelled tool gets between SIGTERM and SIGKILL. */
  killAfterMs: number;
  /** How much of the end of stderr a failure quotes. */
  tailChars: number;
  /** The error code and a hint, from what stderr said and whether the binary was missing. */
  failure: (why: string, notFound: boolean) => { code: string; hint: string };
}

/** stdout of a successful run; stderr lines feed `onLine` as they come; a failure quotes the stderr tail. */
export async function runTool(
  ctx: ActionContext,
  d: Deadline,
  tool: ToolCommand,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const { execa } = await import("execa");
  const child = execa(tool.command, tool.args, {
    env: { ...tool.env },
    extendEnv: false,
    cancelSignal: d.signal,
    forceKillAfterDelay: tool.killAfterMs,
    stdin: "ignore",
    reject: false,
    maxBuffer: 64 << 20,
  });
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-tool.tailChars);
    for (const line of text.split("\n")) if (line.trim()) onLine(line.trim());
  });
  const result = await child;
  if (d.signal.aborted) throw abortError(tool.label, d);
  if (result.failed) {
    const notFound = result.code === "ENOENT";
    const why = tail.trim() || (notFound ? `${tool.command} not found` : messageOf(result));
    const { code, hint } = tool.failure(why, notFound);
    throw new ActionError(code, ctx.redactor.redact(`${tool.label} failed: ${why}${hint}`), {
      cause: result,
      details: { exitCode: result.exitCode ?? null },
    });
  }
  return String(result.stdout);
}
