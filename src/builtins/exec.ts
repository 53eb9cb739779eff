// exec: run one program with an argument array (never a shell); exit code, stdout and stderr typed.

import { defineAction, type PlanContext } from "../contract/action.js";
import { T } from "../contract/cel-types.js";
import { ActionError } from "./shared/action-error.js";
import { abortError, deadline } from "./shared/deadline.js";
import { durationOr, durationSchema } from "./shared/duration-field.js";

/** Arguments of exec. */
export interface ExecArgs {
  program: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeout?: string | number;
  allowExitCodes?: number[];
  maxOutputBytes?: number;
}

/** Output of exec. */
export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the program exited 0. */
  ok: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const KILL_GRACE_MS = 2_000;

// A word as a POSIX shell would need it quoted, for display only: the program never runs through a shell.
function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line shown by `rbx plan` (redacted). */
export function execCommandLine(args: ExecArgs, ctx: Pick<PlanContext, "redactor">): string {
  const argv = [args.program, ...(args.args ?? [])].map(quote).join(" ");
  const env = Object.keys(args.env ?? {}).map((k) => `${k}=${quote(args.env?.[k] ?? "")}`);
  const cwd = args.cwd ? `(cd ${quote(args.cwd)}) ` : "";
  return ctx.redactor.redact(`${cwd}${[...env, argv].join(" ")}`);
}

function capped(chunks: Buffer[], max: number): string {
  const all = Buffer.concat(chunks);
  const text = all.subarray(0, max).toString("utf8");
  return all.length > max ? `${text}\n… (${all.length - max} more bytes)` : text;
}

/** Run a program with arguments; a non-zero exit fails unless `allowExitCodes` lists it. */
export const exec = defineAction<ExecArgs, ExecOutput>({
  name: "exec",
  effect: "write",
  effectOverridable: true,
  summary: "Run a program with an argument array (no shell); exit code, stdout and stderr are the output.",
  input: {
    type: "object",
    additionalProperties: false,
    required: ["program"],
    properties: {
      program: {
        type: "string",
        minLength: 1,
        examples: ["cosign"],
        description: "The program: a path, or a name looked up on PATH.",
      },
      args: {
        type: "array",
        items: { type: "string" },
        examples: [
          ["verify", "--key", "cosign.pub", "registry.example.com/kryton:${{ params.targetVersion }}"],
        ],
        description: "Arguments, one word each; never split by a shell.",
      },
      env: {
        type: "object",
        additionalProperties: { type: "string" },
        examples: [{ COSIGN_EXPERIMENTAL: "1" }],
        description: "Extra environment variables.",
      },
      cwd: {
        type: "string",
        examples: ["./deploy"],
        description: "Working directory (default: where rbx runs).",
      },
      input: {
        type: "string",
        examples: ["yes\n"],
        description: "Text written to the program's standard input.",
      },
      timeout: durationSchema,
      allowExitCodes: {
        type: "array",
        items: { type: "integer" },
        examples: [[3]],
        description: "Exit codes besides 0 that count as success.",
      },
      maxOutputBytes: {
        type: "integer",
        minimum: 1,
        examples: [65536],
        description: "Keep at most this much of stdout and stderr (default 1 MiB).",
      },
    },
  },
  output: T.object("exec.output", { exitCode: T.int, stdout: T.string, stderr: T.string, ok: T.bool }),
  plan(args, ctx) {
    return [{ kind: "command", text: execCommandLine(args, ctx) }];
  },
  async run(ctx, args) {
    const { spawn } = await import("node:child_process");
    const d = deadline(ctx.signal, durationOr(args.timeout, DEFAULT_TIMEOUT_MS));
    const max = args.maxOutputBytes ?? 1 << 20;
    const what = `${args.program}`;
    try {
      return await new Promise<ExecOutput>((resolve, reject) => {
        // Aborted while loading child_process (an interruption right as the step starts): never start it.
        if (d.signal.aborted) return reject(abortError(what, d));
        const child = spawn(args.program, args.args ?? [], {
          cwd: args.cwd,
          env: { ...ctx.env, ...(args.env ?? {}) },
          stdio: ["pipe", "pipe", "pipe"],
          shell: false,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.stdin.on("error", () => {});
        child.stdin.end(args.input ?? "");
        let killTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          child.kill("SIGTERM");
          killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
        };
        d.signal.addEventListener("abort", onAbort, { once: true });
        if (d.signal.aborted) onAbort();
        child.on("error", (e: NodeJS.ErrnoException) => {
          d.signal.removeEventListener("abort", onAbort);
          const hint = e.code === "ENOENT" ? "; check the program name and PATH" : "";
          reject(
            new ActionError(
              e.code === "ENOENT" ? "program-not-found" : "spawn-failed",
              ctx.redactor.redact(`cannot run ${what}: ${e.message}${hint}`),
              { cause: e },
            ),
          );
        });
        child.on("close", (code, signal) => {
          d.signal.removeEventListener("abort", onAbort);
          if (killTimer) clearTimeout(killTimer);
          if (d.signal.aborted) return reject(abortError(what, d));
          const stdout = capped(out, max);
          const stderr = capped(err, max);
          if (code === null) {
            return reject(new ActionError("killed", ctx.redactor.redact(`${what} was killed by ${signal}`)));
          }
          const result = { exitCode: code, stdout, stderr, ok: code === 0 };
          if (code !== 0 && !(args.allowExitCodes ?? []).includes(code)) {
            const tail = stderr.trim().split("\n").slice(-5).join("\n");
            const msg = `${what} exited with code ${code}${tail ? `: ${tail}` : ""}; list it in allowExitCodes if that is expected`;
            return reject(
              new ActionError("exit-code", ctx.redactor.redact(msg), { details: { exitCode: code } }),
            );
          }
          resolve(result);
        });
      });
    } finally {
      d.clear();
    }
  },
});
