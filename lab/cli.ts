// `rbx lab up|down|status|env` as the lab's own process: the rbx CLI starts it, so rbx's code never imports the lab.

/** Where the lab command writes. */
interface LabIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

interface Flags {
  dir: string;
  products: string[];
  /** The helm major of the initial installs; undefined: helm 3 when found, else helm 4. */
  helm: "3" | "4" | undefined;
  json: boolean;
  /** `--show-secrets`: `status --json` prints the database URLs with their password. */
  showSecrets: boolean;
  /** `--instances N`: install each product N times (kryton-01 …) — a fleet to rehearse on. */
  instances: number;
  /** `--fault 7=broken-migration` (repeatable): a fault injected into one instance. */
  faults: string[];
  /** Positional words after the subcommand (`fleet kryton`, `fault kryton-07 none`). */
  words: string[];
  badToken: boolean;
}

const SUBCOMMANDS = ["up", "down", "status", "env", "api", "postgres", "kubeconfig", "fleet", "fault"];

function parse(argv: string[], cwd: string): Flags | string {
  const flags: Flags = {
    dir: ".rbx/lab",
    products: ["kryton", "scrydon", "alexandria"],
    helm: undefined,
    json: false,
    showSecrets: false,
    instances: 0,
    faults: [],
    words: [],
    badToken: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "--dir") flags.dir = value();
      else if (a === "--products")
        flags.products = value()
          .split(",")
          .filter((p) => p !== "");
      else if (a === "--helm") {
        const v = value();
        if (v !== "3" && v !== "4") return `--helm must be 3 or 4, not ${JSON.stringify(v)}`;
        flags.helm = v;
      } else if (a === "--json") flags.json = true;
      else if (a === "--show-secrets") flags.showSecrets = true;
      else if (a === "--instances") {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 200)
          return `--instances takes a number from 1 to 200, not ${JSON.stringify(v)}`;
        flags.instances = Number(v);
      } else if (a === "--fault") flags.faults.push(value());
      else if (a !== undefined && !a.startsWith("-")) flags.words.push(a);
      else if (a === "--bad-token") flags.badToken = true;
      else return `unknown option ${JSON.stringify(a)}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (!flags.dir.startsWith("/")) flags.dir = `${cwd}/${flags.dir}`;
  return flags;
}

/**
 * Before starting anything: the helm major to install with, or one message naming everything the lab needs
 * and does not find (helm, kubectl, PostgreSQL) and how to get it.
 */
async function preflight(asked: "3" | "4" | undefined): Promise<{ helm: "3" | "4" } | { problem: string }> {
  const { chooseHelm, findLabTools, labToolsOrProblem } = await import("./tool-binaries.js");
  const { postgresBinDir } = await import("./postgres.js");
  const found = await findLabTools();
  const helm = chooseHelm(found, asked);
  const problems: string[] = [];
  const tools = labToolsOrProblem(found, helm);
  if (typeof tools === "string") problems.push(tools);
  try {
    postgresBinDir();
  } catch (error) {
    problems.push(`the lab needs a PostgreSQL server: ${(error as Error).message}`);
  }
  return problems.length > 0 ? { problem: problems.join("\n") } : { helm };
}

/** `rbx lab api stop|start|hang`, `rbx lab postgres stop|start`: a fault injected through the supervisor. */
async function fault(part: "api" | "postgres", action: string | undefined, flags: Flags, io: LabIO) {
  const { FAULTS, requestFault } = await import("./fault-control.js");
  const allowed: readonly string[] = FAULTS[part];
  if (action === undefined || !allowed.includes(action)) {
    io.stderr.write(`rbx lab ${part}: expected ${allowed.join(", ")}.\n`);
    return 2;
  }
  const r = await requestFault(flags.dir, part, action);
  if (typeof r === "string") {
    io.stderr.write(`rbx lab ${part} ${action}: ${r}\n`);
    return 1;
  }
  io.stderr.write(
    `API ${r.api === "up" ? "up" : r.api === "down" ? "stopped (connections refused; objects kept)" : "hung (accepts, never answers)"}; PostgreSQL ${r.postgres}${r.postgres === "running" ? ` (pid ${r.postgresPid})` : " (data kept)"}\n`,
  );
  return 0;
}

/** Run `rbx lab ...`: the subcommand and its flags; the exit code. */
export async function labCommand(argv: string[], io: LabIO): Promise<number> {
  const [sub, ...rest] = argv;
  // `api` and `postgres` take the fault to inject first: `rbx lab api stop`.
  const action = sub === "api" || sub === "postgres" ? rest.shift() : undefined;
  const flags = parse(rest, io.cwd);
  if (typeof flags === "string" || sub === undefined || !SUBCOMMANDS.includes(sub)) {
    io.stderr.write(
      `rbx lab: ${typeof flags === "string" ? flags : `expected ${SUBCOMMANDS.join(", ")}`}. Run \`rbx lab --help\`.\n`,
    );
    return 2;
  }
  if (sub === "fleet" || sub === "fault") {
    const { labFleetCommand } = await import("./fleet-command.js");
    return labFleetCommand(sub, flags.words, flags.dir, io);
  }
  if (sub === "up" && flags.faults.length > 0) {
    const { parseFault } = await import("./fleet-instances.js");
    for (const f of flags.faults) {
      const p = flags.instances > 0 ? parseFault(f, flags.instances) : "--fault needs --instances N";
      if (typeof p === "string") {
        io.stderr.write(`rbx lab: ${p}\n`);
        return 2;
      }
    }
  }
  if (sub === "api" || sub === "postgres") return fault(sub, action, flags, io);
  const lab = await import("./control.js");
  if (sub === "kubeconfig") {
    const path = await lab.labKubeconfig(flags.dir, flags.badToken);
    if (!path) {
      io.stderr.write(`rbx lab: no running lab in ${flags.dir}. Start one with \`rbx lab up\`.\n`);
      return 1;
    }
    io.stdout.write(`${path}\n`);
    return 0;
  }
  const { envLines } = await import("./state-file.js");
  if (sub === "up") {
    const { pickSamples } = await import("./samples.js");
    const { unknown, conflicting } = pickSamples(flags.products);
    if (unknown.length > 0) {
      io.stderr.write(
        `rbx lab: unknown product(s) ${unknown.join(", ")}; choose from kryton, kryton-compose, scrydon, alexandria.\n`,
      );
      return 2;
    }
    if (conflicting.length > 0) {
      io.stderr.write(
        `rbx lab: ${conflicting.join(" and ")} are the same product deployed two ways and export the same variables; start one of them.\n`,
      );
      return 2;
    }
    const running = await lab.labStatus(flags.dir);
    let helm: "3" | "4" = flags.helm ?? "3";
    if (!running.running) {
      const ready = await preflight(flags.helm);
      if ("problem" in ready) {
        io.stderr.write(`rbx lab: ${ready.problem}\n`);
        return 1;
      }
      helm = ready.helm;
    }
    io.stderr.write(
      `Starting the lab in ${flags.dir} (this installs ${flags.products.join(", ")}${flags.instances ? ` × ${flags.instances} instances` : ""} with helm ${helm}; about a minute${flags.instances > 4 ? " or more" : ""})...\n`,
    );
    const result = await lab.labUp({ ...flags, helm, onLog: (line) => io.stderr.write(`  ${line}\n`) });
    if (result.kind === "failed") {
      io.stderr.write(
        `rbx lab: ${result.error}. See ${result.logFile}; run \`rbx lab down --dir ${flags.dir}\` to clean up.\n`,
      );
      return 1;
    }
    if (result.kind === "running")
      io.stderr.write(`A lab is already running (supervisor pid ${result.state.supervisorPid}).\n`);
    io.stdout.write(`${envLines(result.state).join("\n")}\n`);
    return 0;
  }
  if (sub === "down") {
    const stopped = await lab.labDown(flags.dir);
    io.stderr.write(stopped ? "The lab is stopped.\n" : `No lab state in ${flags.dir}; nothing to stop.\n`);
    return 0;
  }
  const status = await lab.labStatus(flags.dir);
  if (sub === "env") {
    if (!status.state || !status.running) {
      io.stderr.write(`rbx lab: no running lab in ${flags.dir}. Start one with \`rbx lab up\`.\n`);
      return 1;
    }
    io.stdout.write(`${envLines(status.state).join("\n")}\n`);
    return 0;
  }
  if (flags.json) {
    // The database password stays out of terminals and CI logs unless asked for (`rbx lab env` exports it).
    const { redactedState } = await import("./state-file.js");
    const state = status.state ? (flags.showSecrets ? status.state : redactedState(status.state)) : null;
    io.stdout.write(
      `${JSON.stringify({ running: status.running, stale: status.stale, apiReachable: status.apiReachable, state }, null, 2)}\n`,
    );
    return status.running ? 0 : 1;
  }
  if (!status.state) {
    io.stdout.write(`No lab in ${flags.dir}. Start one with \`rbx lab up\`.\n`);
    return 1;
  }
  const s = status.state;
  if (status.stale) {
    io.stdout.write(
      `Stale lab state in ${flags.dir}: supervisor pid ${s.supervisorPid} is gone. Run \`rbx lab down\` to clean up.\n`,
    );
    return 1;
  }
  const { requestFault } = await import("./fault-control.js");
  const faults = await requestFault(flags.dir, "status", "", 2_000);
  const api =
    typeof faults === "string" || faults.api === "up"
      ? ""
      : faults.api === "down"
        ? ", stopped by `rbx lab api stop`"
        : ", hung by `rbx lab api hang`";
  const pg =
    typeof faults !== "string" && faults.postgres === "stopped"
      ? " — stopped by `rbx lab postgres stop`"
      : "";
  const lines = [
    `Lab running since ${s.startedAt} (supervisor pid ${s.supervisorPid}, log ${s.logFile})`,
    `  kubernetes API  ${s.apiUrl} (${status.apiReachable ? "reachable" : "NOT reachable"}${api})`,
    `  kubeconfig      ${s.kubeconfig}`,
    `  postgres        127.0.0.1:${s.postgres.port} (pid ${s.postgres.pid})${pg}`,
    ...s.releases.map(
      (r) =>
        `  release         ${r.namespace}/${r.release} installed at ${r.installed}; charts: ${Object.keys(r.charts).join(", ")}`,
    ),
    ...Object.entries(s.services).map(([k, v]) => `  service         ${k.padEnd(40)} ${v}`),
    ...Object.entries(s.pods).map(([k, v]) => `  pod process     ${k.padEnd(40)} pid ${v}`),
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

// Started by `rbx lab` as `node lab/cli.js SUB [options]`: run it and exit with its code.
process.exitCode = await labCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
