// Benchmark: compile and evaluate six typical runbook guards with rbx's evaluator and two CEL peers, in one run.
// Run after `npm run build`: `node bench/expr-bench.js [--seconds 0.5]`. Prints evaluations/s, compiles/s and ratios.
import { parse as bufParse, celEnv, plan } from "@bufbuild/cel";
import { parse as celJsParse } from "@marcbachmann/cel-js";
import { compile, T, toCel } from "../dist/expr/index.js";
import { setParseCacheSize } from "../dist/parser/expr/parse.js";

const guards = [
  'steps.health.output.status == 200 && size(steps.history.output.revisions) > 0 && params.targetVersion.startsWith("4.")',
  'params.namespace != "kube-system" && params.replicas >= 2 && params.image.matches("^registry[.]example[.]com/[a-z-]+:[0-9.]+$")',
  "steps.migrations.output.applied.size() > 0 || steps.migrations.output.pending.size() == 0",
  'steps.pods.output.items.all(p, p.phase == "Running" && p.ready)',
  "steps.version.output.json.version == params.targetVersion && steps.version.output.status in [200, 204]",
  'steps.history.output.revisions.exists(r, r.revision == steps.history.output.current.revision && r.status == "deployed")',
];

const revision = T.object("revision", { revision: T.int, status: T.string });
const types = {
  params: T.object("params", {
    targetVersion: T.string,
    namespace: T.string,
    replicas: T.int,
    image: T.string,
  }),
  steps: T.object("steps", {
    health: T.object("health", { output: T.object("http.check", { status: T.int }) }),
    history: T.object("history", {
      output: T.object("helm.history", { revisions: T.list(revision), current: revision }),
    }),
    migrations: T.object("migrations", {
      output: T.object("sql.migrations", { applied: T.list(T.string), pending: T.list(T.string) }),
    }),
    pods: T.object("pods", {
      output: T.object("kubectl.pods", {
        items: T.list(T.object("pod", { phase: T.string, ready: T.bool })),
      }),
    }),
    version: T.object("version", {
      output: T.object("http.check", { status: T.int, json: T.map(T.string, T.dyn) }),
    }),
  }),
};

const data = {
  params: {
    targetVersion: "4.2.0",
    namespace: "kryton",
    replicas: 3,
    image: "registry.example.com/kryton-api:4.2.0",
  },
  steps: {
    health: { output: { status: 200 } },
    history: {
      output: {
        revisions: [1, 2, 3, 4, 5].map((n) => ({ revision: n, status: n === 5 ? "deployed" : "superseded" })),
        current: { revision: 5, status: "deployed" },
      },
    },
    migrations: { output: { applied: ["0001_init", "0002_users"], pending: [] } },
    pods: { output: { items: [1, 2, 3].map(() => ({ phase: "Running", ready: true })) } },
    version: { output: { status: 200, json: { version: "4.2.0" } } },
  },
};

/** Integers as bigint, as CEL's int; the peers take plain objects with bigint integers. */
function withBigInts(v) {
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(withBigInts);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withBigInts(x)]));
  return v;
}

const secondsArg = process.argv.indexOf("--seconds");
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.5;

/** Operations per second of `fn`, run in batches for about `seconds`. */
function rate(fn) {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

const env = { variables: types };
const rbxBindings = { params: toCel(data.params, types.params), steps: toCel(data.steps, types.steps) };
const peerBindings = withBigInts(data);
const bufEnv = celEnv();

const engines = {
  rbx: {
    compile: (src) => {
      const r = compile(src, env);
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
      return r.program;
    },
    evaluate: (p) => p.evaluate(rbxBindings),
  },
  "rbx (no parse cache)": {
    compile: (src) => {
      setParseCacheSize(0);
      const r = compile(src, env);
      setParseCacheSize(512);
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
      return r.program;
    },
    evaluate: (p) => p.evaluate(rbxBindings),
  },
  "@marcbachmann/cel-js": { compile: (src) => celJsParse(src), evaluate: (f) => f(peerBindings) },
  "@bufbuild/cel": { compile: (src) => plan(bufEnv, bufParse(src)), evaluate: (f) => f(peerBindings) },
};

const results = {};
for (const [name, e] of Object.entries(engines)) {
  results[name] = { compile: [], evaluate: [] };
  for (const g of guards) {
    const compiled = e.compile(g);
    const value = e.evaluate(compiled);
    if (value !== true) throw new Error(`${name} evaluated ${g} to ${String(value)}, expected true`);
    results[name].compile.push(rate(() => e.compile(g)));
    results[name].evaluate.push(rate(() => e.evaluate(compiled)));
  }
}

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`).padStart(8);
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const names = Object.keys(engines);
const peers = names.filter((n) => !n.startsWith("rbx"));
const ours = names.filter((n) => n.startsWith("rbx"));
for (const kind of ["evaluate", "compile"]) {
  console.log(`\n${kind === "evaluate" ? "evaluations" : "compiles"}/s per guard`);
  console.log(
    `${"guard".padEnd(6)}${names.map((n) => n.padStart(24)).join("")}${"rbx / fastest peer".padStart(22)}`,
  );
  guards.forEach((_, i) => {
    const row = names.map((n) => fmt(results[n][kind][i]).padStart(24)).join("");
    const peer = Math.max(...peers.map((n) => results[n][kind][i]));
    console.log(
      `${`#${i + 1}`.padEnd(6)}${row}${`${(results.rbx[kind][i] / peer).toFixed(2)}×`.padStart(22)}`,
    );
  });
  const mean = (n) => geo(results[n][kind]);
  const peer = Math.max(...peers.map(mean));
  console.log(
    `${"geo".padEnd(6)}${names.map((n) => fmt(mean(n)).padStart(24)).join("")}${`${(mean("rbx") / peer).toFixed(2)}×`.padStart(22)}`,
  );
  for (const o of ours)
    for (const p of peers) console.log(`  ${o} / ${p}: ${(mean(o) / mean(p)).toFixed(2)}×`);
}
console.log("\nTargets: evaluations/s ≥ fastest peer (ratio ≥ 1.00); compiles/s within 2× (ratio ≥ 0.50).");
