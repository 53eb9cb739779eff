// The tool runner with real processes: a failure leads with its decisive stderr line (the rest goes to the step's
// log artifact, once), a missing binary and the causes a tool names get their own codes, and silence is reported.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deadline } from "../../../src/builtins/shared/deadline.js";
import { decisiveLines, runTool, type ToolCommand } from "../../../src/builtins/shared/run-tool.js";
import { classifyCode } from "../../../src/contract/failure.js";
import { connections, failure, testContext } from "../context.js";

const verbose = Array.from({ length: 54 }, (_, i) => `pg_dump: reading table ${i}`);

function tool(script: string, extra: Partial<ToolCommand> = {}): ToolCommand {
  return {
    command: "/bin/sh",
    args: ["-c", script],
    env: { PATH: "/usr/bin:/bin" },
    label: "pg_dump",
    killAfterMs: 1000,
    tailChars: 100_000,
    failure: (_why, notFound, cause) => ({
      code: notFound ? "pg-dump-not-found" : (cause ?? "pg-dump-failed"),
      hint: notFound ? " — install it" : "",
    }),
    ...extra,
  };
}

describe("decisiveLines", () => {
  it("picks the first error line and the lines that explain it, not the last line of a verbose log", () => {
    const lines = [
      ...verbose,
      'pg_dump: error: query failed: ERROR:  permission denied for table "notes"',
      "pg_dump: detail: Query was: LOCK TABLE public.notes IN ACCESS SHARE MODE",
      "pg_dump: reading more",
    ];
    expect(decisiveLines(lines)).toEqual([
      'pg_dump: error: query failed: ERROR:  permission denied for table "notes"',
      "pg_dump: detail: Query was: LOCK TABLE public.notes IN ACCESS SHARE MODE",
    ]);
    expect(decisiveLines(["Error: UPGRADE FAILED: context deadline exceeded"])).toEqual([
      "Error: UPGRADE FAILED: context deadline exceeded",
    ]);
    expect(decisiveLines(["just", "some", "lines"])).toEqual(["lines"]);
  });
});

describe("runTool", () => {
  it("a verbose failure: the decisive line first, the whole stderr in the step's log artifact, stored once", async () => {
    const ctx = testContext(connections({}), { stepId: "rollback:upgrade/0" });
    const script = `${verbose.map((l) => `echo '${l}' >&2`).join(";")}; echo 'pg_dump: error: query failed: ERROR:  permission denied for table notes' >&2; echo 'pg_dump: detail: Query was: LOCK TABLE public.notes' >&2; exit 1`;
    const d = deadline(ctx.signal, 30_000);
    const err = await failure(runTool(ctx, d, tool(script)));
    d.clear();
    expect(err.code).toBe("forbidden");
    const [first, second, ...rest] = err.message.split("\n");
    expect(first).toBe(
      "pg_dump failed: pg_dump: error: query failed: ERROR:  permission denied for table notes",
    );
    expect(second).toMatch(
      /^pg_dump: detail: Query was: LOCK TABLE public\.notes \(exit 1; 56 lines of stderr in /,
    );
    expect(rest).toEqual([]);
    const log = err.details?.log as string;
    expect(log).toMatch(/logs\/rollback_upgrade_0\.pg_dump\.log$/);
    const text = readFileSync(log.startsWith("/") ? log : `${process.cwd()}/${log}`, "utf8");
    expect(text).toContain("pg_dump: reading table 0\n");
    expect(text).toContain("permission denied");
    // The error does not chain the tool's result: the journal would store stderr a second time as its cause.
    expect(err.cause).toBeUndefined();
  });

  it("a missing binary is its own, permanent code", async () => {
    const ctx = testContext(connections({}));
    const d = deadline(ctx.signal, 10_000);
    const err = await failure(runTool(ctx, d, tool("", { command: "/nonexistent/pg_dump" })));
    d.clear();
    expect(err.code).toBe("pg-dump-not-found");
    expect(err.message).toBe("pg_dump failed: /nonexistent/pg_dump not found — install it");
    expect(classifyCode(err.code)).toEqual({ category: "not-found", retryable: false });
    expect(existsSync(`${ctx.workDir}/logs`)).toBe(false);
  });

  it("names the cause a tool's words give (refused, rejected credentials) instead of a generic failure", async () => {
    const ctx = testContext(connections({}));
    const d = deadline(ctx.signal, 10_000);
    const refused = await failure(
      runTool(
        ctx,
        d,
        tool(
          `echo 'pg_dump: error: connection to server at "127.0.0.1", port 5 failed: Connection refused' >&2; echo '\tIs the server running on that host and accepting TCP/IP connections?' >&2; exit 1`,
        ),
      ),
    );
    expect(refused.code).toBe("connection-refused");
    expect(refused.message).toContain("Is the server running on that host");
    const helm = await failure(
      runTool(
        ctx,
        d,
        tool(
          "echo 'Error: Kubernetes cluster unreachable: the server has asked for the client to provide credentials' >&2; exit 1",
          {
            label: "helm history",
          },
        ),
      ),
    );
    d.clear();
    expect(helm.code).toBe("unauthenticated");
  });

  it("says a silent tool is still running, so no wait is silent", async () => {
    const ctx = testContext(connections({}));
    const d = deadline(ctx.signal, 30_000);
    await runTool(ctx, d, tool("sleep 11", { label: "helm history" }));
    d.clear();
    expect(ctx.lines).toContain("progress: helm history: still running, no output for 10 s");
  }, 20_000);
});
