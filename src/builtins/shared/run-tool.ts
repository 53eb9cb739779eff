// Running an external tool (helm, pg_dump, pg_restore) under an action's deadline: progress while it is silent,
// and a failure that leads with the line that matters, the whole stderr kept in the step's log artifact.
import { appendFileSync, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { ActionContext } from "../../contract/action.js";
import { ActionError, messageOf } from "./action-error.js";
import { abortError, type Deadline } from "./deadline.js";
import { type ToolCauseCode, toolCause } from "./network-errors.js";

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
  /** How much of stderr is kept for the log artifact (its end). */
  tailChars: number;
  /**
   * The error code and a hint, from what stderr said, whether the binary was missing and the cause the
   * tool's words name (refused, unauthenticated, ...), when they name one.
   */
  failure: (
    why: string,
    notFound: boolean,
    cause: ToolCauseCode | undefined,
  ) => { code: string; hint: string };
  /**
   * A write that must not be cut in half (helm upgrade, helm rollback: killed midway, the release stays
   * pending-*): an interruption of the run lets it finish — only the deadline stops it — and it runs in its own
   * process group, so a terminal's Ctrl-C reaches rbx only. rbx records the interruption at once; the process
   * ends when the tool does (a second Ctrl-C leaves it running on its own).
   */
  finishOnInterrupt?: boolean;
}

/** How long a tool may stay silent before the step says it is still waiting for it. */
export const SILENCE_MS = 10_000;
/** Lines of stderr a failure's message quotes: the decisive one and what directly explains it. */
const MESSAGE_LINES = 3;
const LINE_CHARS = 400;

/**
 * The process runner, loaded on first use (validate and lint never run a tool). An action may call it early so
 * the load overlaps a wait (a server round trip) instead of delaying its first tool.
 */
export function toolRunner(): Promise<typeof import("execa")> {
  return import("execa");
}

/** stdout of a successful run; stderr lines feed `onLine` as they come; a failure leads with its decisive line. */
export async function runTool(
  ctx: ActionContext,
  d: Deadline,
  tool: ToolCommand,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  // Interrupted before it started: a write that has not begun is not begun now.
  if (d.signal.aborted) throw abortError(tool.label, d);
  const { execa } = await toolRunner();
  const started = Date.now();
  const shield = tool.finishOnInterrupt === true;
  const child = execa(tool.command, tool.args, {
    env: { ...tool.env },
    extendEnv: false,
    cancelSignal: shield ? d.expired : d.signal,
    ...(shield ? { detached: true } : {}),
    forceKillAfterDelay: tool.killAfterMs,
    stdin: "ignore",
    reject: false,
    maxBuffer: 64 << 20,
  });
  let tail = "";
  let lastSpoke = started;
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-tool.tailChars);
    lastSpoke = Date.now();
    for (const line of text.split("\n")) if (line.trim()) onLine(line.trim());
  });
  const onInterrupt = () => {
    if (!d.timedOut())
      ctx.log.warn(
        `interrupted: ${tool.label} keeps running until it finishes (stopping it midway would leave the release pending); rbx exits when it is done — press Ctrl-C again to leave it running on its own (then let it finish before \`rbx resume\`)`,
      );
  };
  if (shield) d.signal.addEventListener("abort", onInterrupt, { once: true });
  // A tool waiting on an unresponsive server prints nothing: say so, so no wait is ever silent.
  const heartbeat = setInterval(() => {
    const quiet = Date.now() - lastSpoke;
    if (quiet >= SILENCE_MS)
      ctx.log.progress(`${tool.label}: still running, no output for ${Math.round(quiet / 1000)} s`);
  }, SILENCE_MS);
  let result: Awaited<typeof child>;
  try {
    result = await child;
  } finally {
    clearInterval(heartbeat);
    d.signal.removeEventListener("abort", onInterrupt);
  }
  if (d.signal.aborted) throw abortError(tool.label, d);
  if (result.failed) {
    const notFound = result.code === "ENOENT";
    const stderr = ctx.redactor.redact(tail.trim());
    const why = stderr || (notFound ? `${tool.command} not found` : ctx.redactor.redact(messageOf(result)));
    const { code, hint } = tool.failure(why, notFound, notFound ? undefined : toolCause(stderr));
    const lines = why.split("\n").filter((l) => l.trim() !== "");
    const shown = decisiveLines(lines);
    const log = lines.length > shown.length ? writeToolLog(ctx, tool, stderr, result.exitCode) : undefined;
    const exit = result.exitCode !== undefined ? `exit ${result.exitCode}` : "";
    const rest = log
      ? ` (${[exit, `${lines.length} lines of stderr in ${log}`].filter(Boolean).join("; ")})`
      : exit
        ? ` (${exit})`
        : "";
    throw new ActionError(code, `${tool.label} failed: ${shown.join("\n")}${hint}${rest}`, {
      details: { exitCode: result.exitCode ?? null, ...(log ? { log } : {}) },
    });
  }
  return String(result.stdout);
}

const DECISIVE = /^(?:[\w./-]+:\s*)?(?:error|fatal|panic)\b|^Error\b|\bFATAL:|\bERROR:/i;
const EXPLAINS = /^\s|^(?:[\w./-]+:\s*)?(?:detail|hint)\b|^(?:DETAIL|HINT):|^\s*Is the server running/i;

/**
 * The line that says what went wrong (the first `error:`/`Error:`/`FATAL:` line, else the last line) and up to
 * two lines right after it that explain it (`detail:`, `hint:`, indented continuations), each clipped.
 */
export function decisiveLines(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  let at = lines.findIndex((l) => DECISIVE.test(l.trim()));
  if (at < 0) at = lines.length - 1;
  const out = [lines[at] as string];
  for (let i = at + 1; i < lines.length && out.length < MESSAGE_LINES; i++) {
    const l = lines[i] as string;
    if (!EXPLAINS.test(l)) break;
    out.push(l);
  }
  return out.map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l.trimEnd()));
}

/** Append the whole (redacted) stderr of a failed run to the step's log artifact; its path, or undefined. */
function writeToolLog(
  ctx: ActionContext,
  tool: ToolCommand,
  stderr: string,
  exitCode: number | undefined,
): string | undefined {
  try {
    const dir = join(ctx.workDir, "logs");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");
    const path = join(dir, `${safe(ctx.stepId)}.${safe(tool.label)}.log`);
    const head = `--- ${new Date().toISOString()} ${tool.label} exited ${exitCode ?? "?"}\n`;
    appendFileSync(path, `${head}${stderr}\n`, { mode: 0o600 });
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  } catch {
    return undefined;
  }
}
