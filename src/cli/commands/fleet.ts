// `rbx fleet run|resume|status|list|report|approve|plan`: one runbook on many targets at a controlled rate,
// every target an ordinary run, the fleet journaled in the PostgreSQL store and picked up after a crash.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { builtinCatalog } from "../../builtins/index.js";
import { useColor } from "../../diagnostics/color.js";
import { didYouMean } from "../../diagnostics/did-you-mean.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import type { ExecutorName, FleetExecutor } from "../../fleet/executor.js";
import { EXECUTORS } from "../../fleet/executor.js";
import { type Fleet, loadFleetFile, selectTargets } from "../../fleet/fleet-document.js";
import { formatFleetPlan, planFleet } from "../../fleet/fleet-plan.js";
import type { FleetOptions, FleetStore, TargetState } from "../../fleet/fleet-store.js";
import { concurrencyFor, errorsAllowedFor, parseRate } from "../../fleet/rate-control.js";
import { prepareRunbook } from "../../run/bind/prepare.js";
import { EXIT_CODES } from "../../run/model/exit-codes.js";
import type { RunStore } from "../../run/store/run-store.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { currentUser, openStore, type StoreChoice, storeChoice } from "../operator.js";
import { cliSession } from "../operator-session.js";
import { cliCatalog } from "../project-catalog.js";
import { interruptOnSignals } from "../signals.js";

/** Shown by `rbx fleet --help`. */
export const usage = `Usage: rbx fleet run RUNBOOK --fleet FLEET.yaml --max-concurrency N|N% --max-errors N|N% [options]
       rbx fleet plan RUNBOOK --fleet FLEET.yaml [--max-concurrency N|N%] [--max-errors N|N%] [--canary N]
       rbx fleet resume FLEET_ID [--retry-failed] [--force] [--max-concurrency N|N%] [--max-errors N|N%]
       rbx fleet status FLEET_ID [--json]
       rbx fleet list
       rbx fleet report FLEET_ID [--format md|html] [--out DIR]
       rbx fleet approve FLEET_ID STEP

Run one runbook on every target of a kind: Fleet document, each target an ordinary run (its own journal,
locks, resume, skip, rollback), at a controlled rate — AWS SSM Automation's rate control:
  --max-concurrency N|N%  never more than this many targets at once (a percentage of the targets, rounded
                          up, at least 1)
  --max-errors N|N%       once MORE than this many targets have failed, no new target starts; running ones
                          finish, then the fleet halts (0: the first failure stops it; 10% of 50 is 5: the
                          sixth failure stops it). A halted target counts as failed; a target waiting for
                          approval does not.
  --canary N              the first N targets run first, as a wave that must finish before the rest start
  --halts-are-errors=false  a target whose run halted does not count against --max-errors
  --executor local|kubernetes  where runs execute: child processes here (default) or one Job per target
                          (kubernetes: --job-namespace NS where the Jobs go, --image (default rbx:VERSION),
                          --kubeconfig F, --context C — as rbx submit)
  --selector k=v[,k=v]    only the targets whose labels match
  --fleet-id ID           the fleet's id (default: its name, the date and a random suffix)
  --approve ID, --approve-all  approvals given to every target's run, as with rbx run
  --store URL             the PostgreSQL store (also RBX_STORE or \`store:\` in .rbx.yaml): fleets live there
  --state-dir DIR         where each target's params file and output log go (DIR/fleets/FLEET_ID/)

resume picks a fleet up where it stopped — after a halt, an interrupt, or a controller that died: runs its
previous controller left running are waited for (never started twice), halted and interrupted runs are
resumed (rbx resume), pending targets start; --retry-failed runs failed targets again as new runs.
approve records an approval of STEP in every run waiting for it (then resume the fleet).

Exit status: 0 every target succeeded; 1 finished with failures within --max-errors; 2 usage or a document
that does not check; 3 halted (max-errors exceeded, or targets wait for approval); 130 interrupted.
`;

const storeFlags = { store: { type: "string" }, "state-dir": { type: "string" } } as const;
const rateFlags = {
  "max-concurrency": { type: "string" },
  "max-errors": { type: "string" },
  canary: { type: "string" },
} as const;
const driveFlags = {
  executor: { type: "string" },
  "halts-are-errors": { type: "string" },
  approve: { type: "string", multiple: true },
  "approve-all": { type: "boolean" },
  "fleet-id": { type: "string" },
  selector: { type: "string" },
  fleet: { type: "string" },
  "retry-failed": { type: "boolean" },
  force: { type: "boolean" },
  "job-namespace": { type: "string" },
  image: { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
} as const;

const say = (io: CliIO) => (line: string) => io.stderr.write(`${line}\n`);

/** The PostgreSQL store and the fleet tables, or a refusal (fleets live only in a shared store). */
async function openFleetStore(
  io: CliIO,
  values: { store?: string; "state-dir"?: string },
): Promise<{ choice: StoreChoice & { url: string }; runs: RunStore; fleets: FleetStore } | undefined> {
  const choice = storeChoice(io, {
    ...(values.store ? { store: values.store } : {}),
    ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
  });
  if ("error" in choice) {
    io.stderr.write(`rbx fleet: ${choice.error}\n`);
    return undefined;
  }
  if (!choice.url) {
    io.stderr.write(
      "rbx fleet: a fleet lives in the PostgreSQL run store, so any machine can follow or resume it: give --store postgres://… (or RBX_STORE, or `store:` in .rbx.yaml)\n",
    );
    return undefined;
  }
  const runs = await openStore(choice);
  // The run store migrates the schema (fleet tables included) on first use.
  await runs.role();
  const { FleetStore } = await import("../../fleet/fleet-store.js");
  return { choice: choice as StoreChoice & { url: string }, runs, fleets: new FleetStore(choice.url) };
}

async function executorFor(
  name: ExecutorName,
  io: CliIO,
  runs: RunStore | undefined,
  k8s: { namespace?: string; image?: string; kubeconfig?: string; context?: string },
  snapshotsDir = "",
): Promise<FleetExecutor | string> {
  if (name === "local") {
    const { LocalExecutor } = await import("../../fleet/local-executor.js");
    return new LocalExecutor(io.env);
  }
  if (!k8s.namespace)
    return "--executor kubernetes needs --job-namespace NS: where each target's Job is created";
  if (!runs) return "--executor kubernetes needs the run store";
  const { connectKube } = await import("../../kube-jobs/kube-api.js");
  const { KubernetesExecutor } = await import("../../fleet/kubernetes-executor.js");
  const { rbxPackage } = await import("../../package-root.js");
  let kube: Awaited<ReturnType<typeof connectKube>>;
  try {
    kube = await connectKube(
      {
        ...(k8s.kubeconfig ? { kubeconfig: k8s.kubeconfig } : {}),
        ...(k8s.context ? { context: k8s.context } : {}),
      },
      io.env,
    );
  } catch (err) {
    return `--executor kubernetes: ${(err as Error).message}`;
  }
  return new KubernetesExecutor({
    kube,
    store: runs,
    catalog: builtinCatalog,
    namespace: k8s.namespace,
    image: k8s.image ?? `rbx:${rbxPackage().version}`,
    snapshotsDir,
    user: currentUser(io.env),
    cwd: io.cwd,
    env: io.env,
  });
}

function kubeFlags(values: {
  "job-namespace"?: string;
  image?: string;
  kubeconfig?: string;
  context?: string;
}) {
  return {
    ...(values["job-namespace"] ? { namespace: values["job-namespace"] } : {}),
    ...(values.image ? { image: values.image } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
}

function rates(
  values: { "max-concurrency"?: string; "max-errors"?: string; canary?: string },
  required: boolean,
  io: CliIO,
): { maxConcurrency: string; maxErrors: string; canary: number } | undefined {
  if (required && (values["max-concurrency"] === undefined || values["max-errors"] === undefined)) {
    io.stderr.write(
      "rbx fleet run: give --max-concurrency and --max-errors (a number or a percentage of the targets)\n",
    );
    return undefined;
  }
  const mc = values["max-concurrency"] ?? "1";
  const me = values["max-errors"] ?? "0";
  for (const [flag, v] of [
    ["--max-concurrency", mc],
    ["--max-errors", me],
  ] as const) {
    const r = parseRate(flag, v);
    if ("error" in r) {
      io.stderr.write(`rbx fleet: ${r.error}\n`);
      return undefined;
    }
  }
  const canary = values.canary === undefined ? 0 : Number(values.canary);
  if (!Number.isInteger(canary) || canary < 0) {
    io.stderr.write(`rbx fleet: --canary takes a whole number of targets; got "${values.canary}"\n`);
    return undefined;
  }
  return { maxConcurrency: mc, maxErrors: me, canary };
}

function resolved(r: { maxConcurrency: string; maxErrors: string }, targets: number) {
  return {
    concurrency: concurrencyFor(parseRate("", r.maxConcurrency) as never, targets),
    errorsAllowed: errorsAllowedFor(parseRate("", r.maxErrors) as never, targets),
  };
}

/** Load the fleet document and select its targets; problems are printed. */
async function loadFleet(
  io: CliIO,
  file: string | undefined,
  selector: string | undefined,
): Promise<{ fleet: Fleet; text: string } | undefined> {
  if (!file) {
    io.stderr.write("rbx fleet: give the fleet document with --fleet FLEET.yaml\n");
    return undefined;
  }
  const path = resolve(io.cwd, file);
  const loaded = await loadFleetFile(path);
  if (loaded.diagnostics.length > 0) {
    io.stderr.write(
      await formatDiagnostics(loaded.diagnostics, () => loaded.source, {
        color: useColor(io.stderr, io.env),
      }),
    );
  }
  if (!loaded.fleet) return undefined;
  const picked = selectTargets(loaded.fleet.targets, selector);
  if ("error" in picked) {
    io.stderr.write(`rbx fleet: ${picked.error}\n`);
    return undefined;
  }
  if (picked.length === 0) {
    io.stderr.write(`rbx fleet: --selector ${selector} matches no target of ${file}\n`);
    return undefined;
  }
  return { fleet: { ...loaded.fleet, targets: picked }, text: loaded.source.text };
}

function newFleetId(name: string): string {
  const iso = new Date().toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  return `${name}-${stamp}-${Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, "0")}`;
}

function exitFor(status: string): number {
  switch (status) {
    case "completed":
      return EXIT_CODES.completed;
    case "completed-with-errors":
      return EXIT_CODES.failed;
    case "interrupted":
      return EXIT_CODES.interrupted;
    default:
      return EXIT_CODES.halted;
  }
}

/** Drive a fleet this process holds, under Ctrl-C handling; prints the outcome and returns the exit code. */
async function drive(
  io: CliIO,
  opened: NonNullable<Awaited<ReturnType<typeof openFleetStore>>>,
  fleetId: string,
  token: number,
  options: FleetOptions,
  runbook: string,
  executor: FleetExecutor,
): Promise<number> {
  const { driveFleet } = await import("../../fleet/controller.js");
  const signals = interruptOnSignals();
  try {
    const outcome = await driveFleet({
      fleets: opened.fleets,
      runs: opened.runs,
      executor,
      fleetId,
      token,
      leaseMs: opened.choice.leaseMs ?? opened.runs.leaseMs ?? 30_000,
      options,
      runbook,
      storeUrl: opened.choice.url,
      stateDir: opened.choice.stateDir,
      env: io.env,
      say: say(io),
      signal: signals.signal,
    });
    io.stderr.write(`fleet ${fleetId} ${outcome.status}: ${outcome.message}\n`);
    io.stdout.write(`${fleetId} ${outcome.status}\n`);
    return exitFor(outcome.status);
  } finally {
    signals.dispose();
    (executor as { close?: () => void }).close?.();
  }
}

async function runFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet run", argv, { ...storeFlags, ...rateFlags, ...driveFlags }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet run: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const r = rates(values, true, io);
  if (!r) return 2;
  const executorName = (values.executor ?? "local") as ExecutorName;
  if (!EXECUTORS.includes(executorName)) {
    io.stderr.write(`rbx fleet run: --executor is local or kubernetes; got "${values.executor}"\n`);
    return 2;
  }
  const hae = values["halts-are-errors"] ?? "true";
  if (hae !== "true" && hae !== "false") {
    io.stderr.write(`rbx fleet run: --halts-are-errors is true or false; got "${hae}"\n`);
    return 2;
  }
  if (executorName === "kubernetes" && !values["job-namespace"]) {
    io.stderr.write(
      "rbx fleet run: --executor kubernetes needs --job-namespace NS: where each target's Job is created\n",
    );
    return 2;
  }
  const loaded = await loadFleet(io, values.fleet, values.selector);
  if (!loaded) return 2;
  const runbookPath = resolve(io.cwd, positionals[0] as string);
  // The runbook's project catalog (its .rbx.yaml's action modules), as rbx run uses it.
  const catalog = await cliCatalog("fleet run", io, { near: runbookPath });
  if (!catalog) return 2;
  const prepared = prepareRunbook(runbookPath, io.cwd, catalog);
  if (!prepared.ok) {
    io.stderr.write(prepared.message);
    return 2;
  }
  if (prepared.warnings) io.stderr.write(prepared.warnings);
  const { fleet } = loaded;
  const limits = resolved(r, fleet.targets.length);
  // Every target's params are bound before anything starts: one bad target refuses the fleet, not halfway.
  const plan = planFleet(prepared, fleet.targets, io.env, catalog, { ...limits, canary: r.canary });
  const bad = plan.targets.filter((t) => t.problems.length > 0);
  if (bad.length > 0) {
    for (const t of bad.slice(0, 20))
      io.stderr.write(`rbx fleet run: target ${t.name}: ${t.problems.join("; ")}\n`);
    if (bad.length > 20) io.stderr.write(`rbx fleet run: … and ${bad.length - 20} more target(s)\n`);
    io.stderr.write("rbx fleet run: nothing started; `rbx fleet plan` shows every target's plan\n");
    return 2;
  }
  const fleetId = values["fleet-id"] ?? newFleetId(fleet.name);
  if (!/^[A-Za-z0-9._-]+$/.test(fleetId)) {
    io.stderr.write(`rbx fleet run: "${fleetId}" is not a fleet id: use letters, digits, ".", "_" and "-"\n`);
    return 2;
  }
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  const k8s = kubeFlags(values);
  const executor = await executorFor(executorName, io, opened.runs, k8s, opened.choice.snapshotsDir);
  if (typeof executor === "string") {
    io.stderr.write(`rbx fleet run: ${executor}\n`);
    await opened.fleets.close();
    await opened.runs.close();
    return 2;
  }
  try {
    const options: FleetOptions = {
      ...r,
      haltsAreErrors: hae === "true",
      executor: executorName,
      approve: values.approve ?? [],
      approveAll: values["approve-all"] ?? false,
      cwd: io.cwd,
      targets: fleet.targets.length,
      ...limits,
      planHashes: Object.fromEntries(plan.targets.map((t) => [t.name, t.planHash ?? ""])),
      ...(executorName === "kubernetes" ? { kubernetes: k8s } : {}),
    };
    const { thisController } = await import("../../fleet/fleet-store.js");
    const token = await opened.fleets.create(
      {
        fleetId,
        name: fleet.name,
        runbook: runbookPath,
        runbookText: prepared.text,
        fleetText: loaded.text,
        options,
        targets: fleet.targets.map((t, i) => ({
          name: t.name,
          canary: i < r.canary,
          spec: { params: t.params, labels: t.labels, env: t.env },
        })),
      },
      thisController(currentUser(io.env)),
      opened.choice.leaseMs ?? opened.runs.leaseMs,
    );
    io.stderr.write(
      `fleet ${fleetId}: ${fleet.targets.length} target(s), at most ${limits.concurrency} at once, halting once more than ${limits.errorsAllowed} fail${r.canary ? `; canary wave of ${r.canary} first` : ""}\n`,
    );
    return await drive(io, opened, fleetId, token, options, runbookPath, executor);
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

function storeFailure(io: CliIO, err: unknown): number {
  const e = err as Error;
  if (["FleetStoreError", "FleetFencedError", "StoreUnavailableError", "StoreFencedError"].includes(e.name)) {
    io.stderr.write(`rbx fleet: error: ${e.message}\n`);
    return e.name === "FleetFencedError" ? EXIT_CODES.halted : 1;
  }
  throw err;
}

async function resumeFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet resume", argv, { ...storeFlags, ...rateFlags, ...driveFlags }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet resume: give the fleet id\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(
        `rbx fleet resume: no fleet "${fleetId}" in ${opened.fleets.location}; \`rbx fleet list\` lists them\n`,
      );
      return 2;
    }
    const executor = await executorFor(
      row.options.executor as ExecutorName,
      io,
      opened.runs,
      {
        ...(row.options.kubernetes ?? {}),
        ...kubeFlags(values),
      },
      opened.choice.snapshotsDir,
    );
    if (typeof executor === "string") {
      io.stderr.write(`rbx fleet resume: ${executor}\n`);
      return 2;
    }
    const changed = rates(
      {
        "max-concurrency": values["max-concurrency"] ?? row.options.maxConcurrency,
        "max-errors": values["max-errors"] ?? row.options.maxErrors,
        ...(values.canary ? { canary: values.canary } : { canary: String(row.options.canary) }),
      },
      false,
      io,
    );
    if (!changed) return 2;
    const options: FleetOptions = {
      ...row.options,
      ...changed,
      ...resolved(changed, row.options.targets),
      approve: [...row.options.approve, ...(values.approve ?? [])],
      approveAll: row.options.approveAll || (values["approve-all"] ?? false),
    };
    const { thisController } = await import("../../fleet/fleet-store.js");
    const claim = await opened.fleets.claim(
      fleetId,
      thisController(currentUser(io.env)),
      opened.choice.leaseMs ?? opened.runs.leaseMs,
      values.force ?? false,
    );
    if ("missing" in claim) {
      io.stderr.write(`rbx fleet resume: no fleet "${fleetId}"\n`);
      return 2;
    }
    if ("heldBy" in claim) {
      const h = claim.heldBy;
      io.stderr.write(
        `rbx fleet resume: fleet ${fleetId} is driven by ${h.user}@${h.host} (pid ${h.pid}) since ${h.since}, whose lease is live; \`rbx fleet status ${fleetId}\` follows it (--force takes it over; the other controller stops at its next write)\n`,
      );
      return 2;
    }
    const { token } = claim;
    // Halted, interrupted and approval-waiting targets go back to pending: the controller resumes their runs.
    const again: TargetState[] = [
      "halted",
      "interrupted",
      "waiting-approval",
      ...(values["retry-failed"] ? (["failed"] as const) : []),
    ];
    for (const t of await opened.fleets.targets(fleetId, again)) {
      await opened.fleets.moveTarget(
        fleetId,
        token,
        t.name,
        [t.state],
        "pending",
        { message: null },
        {
          type: "target.requeued",
          body: { from: t.state, runId: t.runId },
        },
      );
    }
    await opened.fleets.note(fleetId, "fleet.options", null, { options });
    await opened.fleets.setStatus(fleetId, token, "running", null, false);
    return await drive(io, opened, fleetId, token, options, row.runbook, executor);
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

async function statusFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet status",
    argv,
    { ...storeFlags, json: { type: "boolean" }, all: { type: "boolean" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet status: give the fleet id\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(
        `rbx fleet status: no fleet "${fleetId}" in ${opened.fleets.location}; \`rbx fleet list\` lists them\n`,
      );
      return 2;
    }
    const counts = await opened.fleets.counts(fleetId);
    // At any size, status reads the counts and only the targets that need a person (bounded unless --all).
    const notable = await opened.fleets.targets(
      fleetId,
      values.all ? undefined : ["running", "failed", "halted", "waiting-approval", "interrupted"],
    );
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ fleet: { ...row, runbookText: undefined, fleetText: undefined }, counts, targets: notable }, null, 2)}\n`,
      );
      return 0;
    }
    const o = row.options;
    const c = row.controller;
    const lines = [
      `Fleet ${fleetId}: ${row.status}${row.message ? ` — ${row.message}` : ""}`,
      `  runbook     ${row.runbook}`,
      `  rate        max-concurrency ${o.maxConcurrency} (${o.concurrency} at once), max-errors ${o.maxErrors} (halts when more than ${o.errorsAllowed} fail)${o.canary ? `, canary ${o.canary}` : ""}; executor ${o.executor}`,
      `  controller  ${c ? `${c.user}@${c.host} pid ${c.pid} since ${c.since}${row.controllerAlive ? " (live)" : " (not running)"}` : "none"}`,
      `  targets     ${o.targets}: ${Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(", ")}`,
    ];
    const shown = notable.slice(0, 200);
    for (const t of shown) {
      lines.push(
        `  ${t.state.padEnd(17)} ${t.name.padEnd(24)} ${t.runId ?? ""}${t.message ? `  ${t.message}` : ""}`,
      );
    }
    if (notable.length > shown.length)
      lines.push(`  … ${notable.length - shown.length} more (--json lists them all)`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

async function listFleets(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet list", argv, { ...storeFlags, json: { type: "boolean" } }, io);
  if (!parsed) return 2;
  const opened = await openFleetStore(io, parsed.values);
  if (!opened) return 2;
  try {
    const all = await opened.fleets.list();
    if (parsed.values.json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else if (all.length === 0) io.stdout.write(`No fleets in ${opened.fleets.location}.\n`);
    else {
      for (const f of all) {
        io.stdout.write(
          `${f.fleetId}  ${f.status.padEnd(22)} ${f.targets} targets, ${f.succeeded} succeeded, ${f.failed} failed or halted  (${f.createdAt})\n`,
        );
      }
    }
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

async function reportFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet report",
    argv,
    { ...storeFlags, format: { type: "string" }, out: { type: "string" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const format = values.format ?? "md";
  if (positionals.length !== 1 || (format !== "md" && format !== "html")) {
    io.stderr.write(`rbx fleet report: give the fleet id; --format is md or html\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(`rbx fleet report: no fleet "${fleetId}"\n`);
      return 2;
    }
    const targets = await opened.fleets.targets(fleetId);
    const { fleetHtml, fleetMarkdown } = await import("../../fleet/fleet-report.js");
    const render = format === "html" ? fleetHtml : fleetMarkdown;
    if (!values.out) {
      // On stdout the links name the command that shows each run's report.
      io.stdout.write(render(row, targets, () => undefined));
      return 0;
    }
    // With --out: the fleet's page and every run's own report beside it, linked from the grid.
    const dir = resolve(io.cwd, values.out);
    mkdirSync(join(dir, "runs"), { recursive: true });
    const { foldReport } = await import("../../report/fold.js");
    const { renderReport } = await import("../../report/render.js");
    const { foldEvents } = await import("../../run/model/state.js");
    const { runnerOfRun } = await import("../../run/sessions/inspect.js");
    const written = new Set<string>();
    for (const t of targets) {
      if (!t.runId || !(await opened.fleets.runExists(t.runId))) continue;
      const read = await opened.runs.read(t.runId);
      const runner = await runnerOfRun(opened.runs, foldEvents(t.runId, read.events));
      writeFileSync(
        join(dir, "runs", `${t.runId}.${format}`),
        renderReport(foldReport(read.events, { runner }), format),
      );
      written.add(t.runId);
    }
    const file = join(dir, `${fleetId}.${format}`);
    writeFileSync(
      file,
      render(row, targets, (id) => (written.has(id) ? `runs/${id}.${format}` : undefined)),
    );
    io.stderr.write(`wrote ${file} and ${written.size} run report(s) under ${join(dir, "runs")}\n`);
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

async function approveFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet approve", argv, { ...storeFlags }, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    io.stderr.write(`rbx fleet approve: give the fleet id and the step\n${usage}`);
    return 2;
  }
  const [fleetId, step] = positionals as [string, string];
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const waiting = await opened.fleets.targets(fleetId, ["waiting-approval"]);
    if (waiting.length === 0) {
      io.stderr.write(`rbx fleet approve: no target of fleet ${fleetId} waits for an approval\n`);
      return 2;
    }
    const { approveStep } = await import("../../run/sessions/approve-step.js");
    const controller = new AbortController();
    const opts = cliSession(
      io,
      opened.runs,
      opened.choice,
      values["state-dir"] ? { stateDir: values["state-dir"] } : {},
      controller.signal,
      () => "SIGINT",
    );
    let approved = 0;
    for (const t of waiting) {
      if (!t.runId) continue;
      const r = await approveStep(t.runId, step, opts);
      if (r.exit === 0) approved++;
      io.stderr.write(
        `${t.name}: ${r.exit === 0 ? `approved ${step} in run ${t.runId}` : `not approved (run ${t.runId})`}\n`,
      );
    }
    await opened.fleets.note(fleetId, "fleet.approved", null, { step, approved, by: currentUser(io.env) });
    io.stderr.write(
      `${approved} of ${waiting.length} waiting target(s) approved; \`rbx fleet resume ${fleetId}\` continues them\n`,
    );
    return approved > 0 ? 0 : 1;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}

async function planCommand(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet plan",
    argv,
    { ...rateFlags, fleet: { type: "string" }, selector: { type: "string" }, json: { type: "boolean" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet plan: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const r = rates(values, false, io);
  if (!r) return 2;
  const loaded = await loadFleet(io, values.fleet, values.selector);
  if (!loaded) return 2;
  const catalog = await cliCatalog("fleet plan", io, { near: resolve(io.cwd, positionals[0] as string) });
  if (!catalog) return 2;
  const prepared = prepareRunbook(positionals[0] as string, io.cwd, catalog);
  if (!prepared.ok) {
    io.stderr.write(prepared.message);
    return 2;
  }
  const plan = planFleet(prepared, loaded.fleet.targets, io.env, catalog, {
    ...resolved(r, loaded.fleet.targets.length),
    canary: r.canary,
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(plan, null, 2)}\n`
      : formatFleetPlan(plan, loaded.fleet.name, positionals[0] as string),
  );
  return plan.targets.some((t) => t.problems.length > 0) ? 2 : 0;
}

const SUBCOMMANDS = ["run", "plan", "resume", "status", "list", "report", "approve"];

/** Every option of every fleet subcommand: an option given before the subcommand is read as they are. */
const allOptions = {
  ...storeFlags,
  ...rateFlags,
  ...driveFlags,
  json: { type: "boolean" },
  all: { type: "boolean" },
  format: { type: "string" },
  out: { type: "string" },
} as const;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) return usageError(io, "fleet", `give what to do: ${SUBCOMMANDS.join(", ")}`);
  if (sub.startsWith("-")) {
    if (!parseCommandLine("fleet", argv, allOptions, io, { positionals: true })) return 2;
    return usageError(io, "fleet", `give what to do first: ${SUBCOMMANDS.join(", ")}`);
  }
  switch (sub) {
    case "run":
      return runFleet(io, rest);
    case "resume":
      return resumeFleet(io, rest);
    case "status":
      return statusFleet(io, rest);
    case "list":
      return listFleets(io, rest);
    case "report":
      return reportFleet(io, rest);
    case "approve":
      return approveFleet(io, rest);
    case "plan":
      return planCommand(io, rest);
    default:
      return usageError(io, "fleet", `unknown fleet command "${sub}".${didYouMean(sub, SUBCOMMANDS)}`);
  }
}
