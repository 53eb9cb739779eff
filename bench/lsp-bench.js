// Language-server latency as an editor sees it, over a real stdio connection to `rbx lsp`: an edit of the Scrydon
// runbook to its diagnostics (the debounce included), and a completion request sent right after an edit (so it
// loads the new text first). Each figure is a median over many edits once warm, against the budget of issue 19.
// Alone: `npm run build && node bench/lsp-bench.js [--quick]`.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { standalone } from "./figures.js";
import { median, spread as quartiles } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));
const file = fileURLToPath(new URL("../runbooks/scrydon.rb.yaml", import.meta.url));

/** The figures this file measures; the baseline of each is its budget (issue 19), so the ratio must stay ≤ 1. */
export const figures = [
  {
    id: "lsp-diagnostics",
    title: "lsp: edit → diagnostics, Scrydon (warm) vs 50 ms budget",
    target: { op: "<=", value: 1 },
  },
  {
    id: "lsp-completion",
    title: "lsp: completion right after an edit (warm) vs 20 ms budget",
    target: { op: "<=", value: 1 },
  },
];

/** The nearest-rank percentile of a list of numbers. */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const spread = (xs) =>
  `median ${median(xs).toFixed(1)} ms, p10 ${percentile(xs, 10).toFixed(1)}, p90 ${percentile(xs, 90).toFixed(1)}, ` +
  `max ${Math.max(...xs).toFixed(1)} over ${xs.length}`;

/** User plus system CPU time of a process in ms, from /proc/<pid>/stat (NaN where there is no /proc). */
function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The line and character of the end of `needle` in `text`. */
function endOf(text, needle) {
  const at = text.indexOf(needle) + needle.length;
  const before = text.slice(0, at);
  return { line: before.split("\n").length - 1, character: at - (before.lastIndexOf("\n") + 1) };
}

/** The pause before each timed edit: a quiet spell, as between keystrokes, longer than the server's 25 ms. */
const QUIET_MS = 100;

/**
 * Start the server, open Scrydon, then per round: change one guard's constant (a real edit the whole pipeline
 * reads) and time until the diagnostics of that version arrive; then change it again and time a completion of
 * `steps.history.output.` sent at once. Warm-up rounds first, untimed.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const text = readFileSync(file, "utf8");
  const uri = pathToFileURL(file).href;
  const child = spawn(process.execPath, [rbx, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const conn = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const waiting = new Map();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const done = waiting.get(p.version);
    if (p.uri === uri && done) {
      waiting.delete(p.version);
      done(p);
    }
  });
  conn.listen();
  try {
    await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    await conn.sendNotification(InitializedNotification.type, {});
    let version = 1;
    const published = (v) => new Promise((resolve) => waiting.set(v, resolve));
    const first = published(1);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "yaml", version, text },
    });
    await first;
    const edited = (i) =>
      text
        .replace("params.minLicenceDays >= 90", `params.minLicenceDays >= ${90 + (i % 50)}`)
        .replace(
          "when: has(steps.history.output)",
          "when: has(steps.history.output) && steps.history.output.",
        );
    const position = endOf(edited(0), "&& steps.history.output.");
    const change = async (i) => {
      version++;
      await conn.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ text: edited(i) }],
      });
      return version;
    };
    const diagnostics = [];
    const completion = [];
    const warm = quick ? 10 : 30;
    const rounds = quick ? 30 : 100;
    const timeDiagnostics = async (i) => {
      // A quiet spell first, as between keystrokes (~10 a second): edits within the server's 25 ms of each
      // other or of the end of an analysis are a burst, coalesced into one analysis 25 ms after the last.
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
      const wait = published(version + 1);
      const t0 = process.hrtime.bigint();
      await change(i);
      const got = await wait;
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      if (got.diagnostics.length === 0)
        throw new Error("the edited runbook should report its half-typed expression");
      return dt;
    };
    const timeCompletion = async (i) => {
      const next = published(version + 1);
      const t0 = process.hrtime.bigint();
      await change(i);
      const items = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      const labels = (Array.isArray(items) ? items : items.items).map((x) => x.label);
      if (!labels.includes("current"))
        throw new Error(`completion missed steps.history.output.current: ${labels}`);
      await next;
      return dt;
    };
    for (let i = 0; i < warm; i++) {
      await timeDiagnostics(i);
      await timeCompletion(i);
    }
    // CPU the server spends per round, from /proc (immune to waiting for a shared CPU, unlike wall time).
    let cpu = serverCpuMs(child.pid);
    for (let i = 0; i < rounds; i++) diagnostics.push(await timeDiagnostics(i));
    const cpuDiagnostics = (serverCpuMs(child.pid) - cpu) / rounds;
    cpu = serverCpuMs(child.pid);
    for (let i = 0; i < rounds; i++) completion.push(await timeCompletion(i));
    const cpuCompletion = (serverCpuMs(child.pid) - cpu) / rounds;
    const cpuNote = (ms, what) => (Number.isNaN(ms) ? "" : `; server CPU ${ms.toFixed(1)} ms per ${what}`);
    log(`edit → diagnostics: ${spread(diagnostics)}`);
    log(`completion after an edit: ${spread(completion)}`);
    return [
      {
        ...figures[0],
        ours: median(diagnostics),
        baseline: 50,
        ratio: median(diagnostics) / 50,
        spread: quartiles(diagnostics).map((x) => x / 50),
        unit: "ms",
        note: `${spread(diagnostics)}${cpuNote(cpuDiagnostics, "edit")}; each edit ${QUIET_MS} ms after the last diagnostics (a quiet spell, linted at once: edits within 25 ms of each other or of the end of an analysis are coalesced); includes the stdio round trip`,
      },
      {
        ...figures[1],
        ours: median(completion),
        baseline: 20,
        ratio: median(completion) / 20,
        spread: quartiles(completion).map((x) => x / 20),
        unit: "ms",
        note: `${spread(completion)}${cpuNote(cpuCompletion, "edit, completion and the edit's lint")}; each request follows its edit at once: the edit stays inside one guard, so the server answers from its last analysis rebased onto the new text (src/lsp/quick-cursor.ts), the edit's full load and lint follow`,
      },
    ];
  } finally {
    try {
      await Promise.race([conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await conn.sendNotification(ExitNotification.type);
    } catch {
      // the server is gone already
    }
    const timer = setTimeout(
      () => child.exitCode === null && child.pid && process.kill(child.pid, "SIGKILL"),
      3000,
    );
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
    clearTimeout(timer);
    conn.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
