// Markdown and JSON renderings, and `rbx report` end to end on journals in a state directory.
import { rmSync } from "node:fs";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { foldReport } from "../../src/report/fold.js";
import { mdText, renderMarkdown } from "../../src/report/markdown.js";
import { haltedRun, rolledBackRun, tempStateDir, writeJournal } from "./journals.js";

const dir = tempStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await main(argv, { stdout, stderr, env: {}, cwd: dir });
  return { code, out, err };
}

describe("renderMarkdown", () => {
  it("fits an incident ticket: outcome, tables, failed assertions, rollback and why", () => {
    const md = renderMarkdown(foldReport(writeJournal(dir, "md1", rolledBackRun("md1"))));
    expect(md).toContain("## rbx run `md1`: failed and rolled back");
    expect(md).toContain("### Phase `upgrade` (rollback boundary): failed, 36.8s");
    expect(md).toContain(
      "| ❌ | migrations | `sql.migrations` | 6.9s | 2 | action-error: relation drizzle.\\_\\_drizzle\\_migrations does not exist |",
    );
    // A pipe inside a message must not split the table row.
    expect(md).toContain("2 migrations pending \\| not applied");
    expect(md).toContain("### Rollback of `upgrade`");
    expect(md).toContain("Why: step `migrations` failed");
    expect(md).toContain("verified");
    expect(md).toContain("- attempt 1 (910ms): assertion: 2 migrations pending, retried after 5.0s");
  });

  it("says a rollback the operator asked for is not a failure", () => {
    const events = rolledBackRun("md3").map(([ms, body]): [number, typeof body] =>
      body.type === "rollback.started"
        ? [ms, { type: "rollback.started", reason: "operator", by: "ops", boundaries: ["upgrade"] }]
        : [ms, body],
    );
    const md = renderMarkdown(foldReport(writeJournal(dir, "md3", events)));
    expect(md).toContain("## rbx run `md3`: rolled back on the operator's request");
    expect(md).not.toContain("failed and rolled back");
  });

  it("puts the recovery commands of a halted run in copyable code blocks", () => {
    const md = renderMarkdown(foldReport(writeJournal(dir, "md2", haltedRun("md2"))));
    expect(md).toContain("### Recovery choices");
    expect(md).toContain("  ```sh\n  rbx resume md2\n  ```");
    expect(md).toContain("rbx skip md2 migrations --reason '<why it is already done>'");
    expect(md).toContain("rbx rollback md2");
  });

  it("escapes Markdown in text", () => {
    expect(mdText("a|b *c* <d> `e`\nf")).toBe("a\\|b \\*c\\* \\<d\\> \\`e\\` f");
  });
});

describe("rbx report", () => {
  it("writes json from a run id in --state-dir", async () => {
    writeJournal(dir, "cli1", rolledBackRun("cli1"));
    const r = await cli(["report", "cli1", "--state-dir", dir, "--format", "json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { reportVersion: number; outcome: string; rollbacks: unknown[] };
    expect(json.reportVersion).toBe(1);
    expect(json.outcome).toBe("rolled-back");
    expect(json.rollbacks).toHaveLength(1);
  });

  it("reads .rbx in the working directory by default and picks the format from -o", async () => {
    writeJournal(`${dir}/.rbx`, "cli2", haltedRun("cli2"));
    const r = await cli(["report", "last", "-o", "out.html"]);
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${dir}/out.html`, "utf8")).toMatch(/^<!doctype html>/);
  });

  it("notes a journal that fails verification and reports the part that verifies", async () => {
    const { appendFileSync } = await import("node:fs");
    writeJournal(dir, "cli3", haltedRun("cli3"));
    appendFileSync(`${dir}/runs/cli3.jsonl`, '{"seq":99,"type":"run.completed"}\n');
    const r = await cli(["report", "cli3", "--state-dir", dir]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning:");
    expect(r.out).toContain("journal integrity:");
  });

  it("says what to do for an unknown run and a bad format", async () => {
    const missing = await cli(["report", "nope", "--state-dir", dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no run "nope"');
    const bad = await cli(["report", "cli1", "--format", "pdf"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown format "pdf"');
  });
});
