// Against Ansible, when `ansible-playbook` is installed (Debian's ansible-core): N trivial `assert` tasks on
// localhost vs N trivial rbx steps, N = 10, 100, 1,000, whole processes as each is run, per-task ratio.
// Alone: `npm run build && node bench/ansible-bench.js [--quick]`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { skipped, standalone } from "./figures.js";
import { httpRunbook } from "./generate-runbook.js";
import { startHttpStub } from "./http-stub.js";
import { compareProcesses, pairedRatio } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));
const SIZES = [10, 100, 1000];

/** One figure per size: rbx's time per step over Ansible's per task; rbx must be no slower. */
export const figures = SIZES.map((n) => ({
  id: `ansible-${n}`,
  title: `rbx run vs ansible-playbook, ${n.toLocaleString("en")} trivial tasks, per task`,
  target: { op: "<=", value: 1 },
}));

/** A playbook of `n` `assert: that: true` tasks on localhost without facts: Ansible's cheapest task. */
function playbook(n) {
  const tasks = Array.from(
    { length: n },
    (_, i) => `    - name: t${i}\n      ansible.builtin.assert: { that: true, quiet: true }`,
  );
  return `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${tasks.join("\n")}\n`;
}

/** Whether `ansible-playbook` runs here at all. */
function ansibleVersion() {
  const r = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0] : undefined;
}

/**
 * Both tools as whole processes, rotated per round. rbx runs `rbx run` of N http.check steps against a local
 * server (its cheapest real built-in; every step journaled and fsync'd, progress on); Ansible runs the
 * playbook against localhost with a local connection (no SSH), output to a pipe, as in CI.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const version = ansibleVersion();
  if (!version)
    return skipped(figures, "ansible-playbook is not installed (Debian: apt-get install ansible-core)");
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  const stub = await startHttpStub();
  try {
    const rounds = quick ? 2 : 5;
    const rows = [];
    const env = {
      ...process.env,
      ANSIBLE_LOCALHOST_WARNING: "false",
      ANSIBLE_INVENTORY_UNPARSED_WARNING: "false",
      ANSIBLE_NOCOLOR: "1",
    };
    for (const [i, n] of SIZES.entries()) {
      const book = join(root, `play-${n}.yml`);
      const file = join(root, `steps-${n}.rb.yaml`);
      writeFileSync(book, playbook(n));
      writeFileSync(file, httpRunbook(n, stub.base));
      let k = 0;
      const t = compareProcesses(
        {
          rbx: { args: () => [rbx, "run", file, "--state-dir", join(root, `state-${n}-${k++}`)] },
          ansible: { program: "ansible-playbook", args: ["-i", "localhost,", book] },
        },
        // Ansible takes about a minute for 1,000 tasks: fewer rounds there, and no warm-up (it has no cache to warm).
        n >= 1000
          ? { runs: quick ? 1 : 2, warmup: 0, options: { cwd: root, env } }
          : { runs: rounds, warmup: 1, options: { cwd: root, env } },
      );
      const p = pairedRatio(t.rbx, t.ansible);
      log(
        `N = ${n}: rbx ${p.ours.toFixed(0)} ms, ansible-playbook ${p.baseline.toFixed(0)} ms (medians of ${t.rbx.length})`,
      );
      rows.push({
        ...figures[i],
        ...p,
        ours: (p.ours * 1000) / n,
        baseline: (p.baseline * 1000) / n,
        unit: "µs/task",
        ...(i === 0
          ? { note: `${version}; whole processes, start-up included (it dominates at N = 10)` }
          : {}),
      });
    }
    return rows;
  } finally {
    stub.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
