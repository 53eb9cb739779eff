// One neutral graph of a runbook (nodes, clusters, edges) so Mermaid and dot render the same picture.
import type { ActionCatalog } from "../contract/action.js";
import type { FailurePolicy, Phase, Runbook, Step } from "../parser/ast.js";
import { stepEffect } from "../parser/step-effect.js";
import { stepLabel } from "./labels.js";

/** What a node stands for; renderers pick a shape per kind. */
export type GraphNodeKind = "start" | "guards" | "step" | "check" | "approval" | "empty" | "end" | "halt";

/** A box in the picture; `lines` are plain text, escaped by each renderer. */
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  lines: string[];
  /** From the action catalog: write steps are drawn distinctly. */
  effect?: "read" | "write";
  /** A rollback step (drawn in the rollback colour). */
  rollback?: boolean;
}

/** A phase, the rollback steps of a boundary, or a named check suite. */
export interface GraphCluster {
  id: string;
  kind: "phase" | "rollback" | "check-suite";
  title: string;
  nodes: GraphNode[];
}

/** flow: the order things run in; rollback: failure unwinds a boundary; halt: failure stops the run (halted or failed); uses: a check runs a suite. */
export type GraphEdgeKind = "flow" | "rollback" | "halt" | "uses";

/** An arrow; `fromCluster`/`toCluster` name a cluster when the arrow means the whole group. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
  label?: string;
  fromCluster?: string;
  toCluster?: string;
}

/** The whole picture, in drawing order. */
export interface RunbookGraph {
  title: string;
  nodes: GraphNode[];
  clusters: GraphCluster[];
  edges: GraphEdge[];
}

/** A node id safe in both Mermaid and dot: letters, digits and underscores, never a keyword. */
function safeId(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts.map((p) => p.replace(/[^A-Za-z0-9]+/g, "_"))].join("_");
}

class IdPool {
  private readonly used = new Set<string>();
  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

function stepNode(
  catalog: ActionCatalog,
  ids: IdPool,
  prefix: string,
  scope: string,
  step: Step,
  index: number,
  rollback: boolean,
): GraphNode {
  const name = step.id?.value ?? String(index + 1);
  const id = ids.take(safeId(prefix, scope, name));
  const action = step.action?.value;
  const def = action ? catalog.find(action) : undefined;
  const kind: GraphNodeKind = step.check ? "check" : action === "approve" ? "approval" : "step";
  const node: GraphNode = { id, kind, lines: stepLabel(step) };
  if (def) node.effect = stepEffect(step, def);
  else if (step.run) node.effect = "write";
  if (rollback) node.rollback = true;
  return node;
}

function chain(nodes: readonly GraphNode[], edges: GraphEdge[]): void {
  for (let i = 1; i < nodes.length; i++)
    edges.push({ from: nodes[i - 1]!.id, to: nodes[i]!.id, kind: "flow" });
}

function policyOf(runbook: Runbook, phase: Phase): FailurePolicy {
  return phase.onFailure?.value ?? runbook.onFailure.value;
}

/** Build the graph of a loaded runbook: flow through guards and phases, rollback and halt paths, check suites. */
export function buildGraph(runbook: Runbook, catalog: ActionCatalog): RunbookGraph {
  const ids = new IdPool();
  const nodes: GraphNode[] = [];
  const clusters: GraphCluster[] = [];
  const edges: GraphEdge[] = [];
  const meta = runbook.metadata;
  const title = `${meta.name.value} ${meta.version.value}`;
  const start: GraphNode = {
    id: ids.take("start"),
    kind: "start",
    lines: [title, `onFailure: ${runbook.onFailure.value}`],
  };
  nodes.push(start);
  let flowTail: GraphNode = start;
  if (runbook.guards.length > 0) {
    const guards: GraphNode = {
      id: ids.take("guards"),
      kind: "guards",
      lines: ["guards", ...runbook.guards.map((g) => g.that.text)],
    };
    nodes.push(guards);
    edges.push({ from: flowTail.id, to: guards.id, kind: "flow" });
    flowTail = guards;
  }

  const suites = new Map<string, GraphCluster>();
  const suiteEdges: GraphEdge[] = [];
  for (const suite of runbook.checks) {
    const cid = ids.take(safeId("checks", suite.name.value));
    const members = suite.steps.map((s, i) => stepNode(catalog, ids, "chk", suite.name.value, s, i, false));
    chain(members, suiteEdges);
    suites.set(suite.name.value, {
      id: cid,
      kind: "check-suite",
      title: `check suite ${suite.name.value}`,
      nodes: members,
    });
  }

  const usesEdges: GraphEdge[] = [];
  const linkChecks = (group: readonly GraphNode[], steps: readonly Step[]) => {
    steps.forEach((s, i) => {
      const suite = s.check ? suites.get(s.check.value) : undefined;
      const first = suite?.nodes[0];
      if (suite && first) {
        usesEdges.push({
          from: group[i]!.id,
          to: first.id,
          kind: "uses",
          label: "runs",
          toCluster: suite.id,
        });
      }
    });
  };

  let halt: GraphNode | undefined;
  const haltNode = (): GraphNode => {
    halt ??= {
      id: ids.take("halted"),
      kind: "halt",
      lines: ["halted for the operator", "resume · skip · rollback"],
    };
    return halt;
  };
  let failed: GraphNode | undefined;
  const failedNode = (): GraphNode => {
    failed ??= { id: ids.take("failed"), kind: "end", lines: ["failed, nothing to undo"] };
    return failed;
  };
  const failureEdges: GraphEdge[] = [];
  /** The newest boundary entered so far: where a rollback-policy failure unwinds from. */
  let lastRollback: GraphCluster | undefined;
  const rollbackClusters: GraphCluster[] = [];
  for (const phase of runbook.phases) {
    const pid = ids.take(safeId("phase", phase.id.value));
    const members = phase.steps.map((s, i) => stepNode(catalog, ids, "step", phase.id.value, s, i, false));
    if (members.length === 0)
      members.push({ id: ids.take(safeId("empty", phase.id.value)), kind: "empty", lines: ["(no steps)"] });
    chain(members, edges);
    linkChecks(members, phase.steps);
    const policy = policyOf(runbook, phase);
    const boundary = phase.rollback !== undefined;
    const title = `phase ${phase.id.value}${boundary ? " · rollback boundary" : ""}${phase.onFailure ? ` · onFailure: ${policy}` : ""}`;
    const cluster: GraphCluster = { id: pid, kind: "phase", title, nodes: members };
    clusters.push(cluster);
    edges.push({ from: flowTail.id, to: members[0]!.id, kind: "flow" });
    flowTail = members[members.length - 1]!;

    if (phase.rollback) {
      const rid = ids.take(safeId("rollback", phase.id.value));
      const rsteps = phase.rollback.map((s, i) => stepNode(catalog, ids, "rb", phase.id.value, s, i, true));
      if (rsteps.length === 0)
        rsteps.push({
          id: ids.take(safeId("rb_empty", phase.id.value)),
          kind: "empty",
          lines: ["(nothing to undo)"],
          rollback: true,
        });
      chain(rsteps, edges);
      linkChecks(rsteps, phase.rollback);
      const rcluster: GraphCluster = {
        id: rid,
        kind: "rollback",
        title: `rollback of ${phase.id.value}`,
        nodes: rsteps,
      };
      // Unwinding goes newest first: after this boundary's steps, the previous boundary's.
      if (lastRollback) {
        failureEdges.push({
          from: rsteps[rsteps.length - 1]!.id,
          to: lastRollback.nodes[0]!.id,
          kind: "rollback",
          label: "then unwind",
          fromCluster: rid,
          toCluster: lastRollback.id,
        });
      }
      rollbackClusters.push(rcluster);
      lastRollback = rcluster;
    }
    const last = members[members.length - 1]!;
    if (policy === "rollback" && lastRollback) {
      failureEdges.push({
        from: last.id,
        to: lastRollback.nodes[0]!.id,
        kind: "rollback",
        label: "on failure: roll back",
        fromCluster: pid,
        toCluster: lastRollback.id,
      });
    } else if (policy === "rollback") {
      // No boundary entered yet: the interpreter fails the run, since nothing has to be undone.
      failureEdges.push({
        from: last.id,
        to: failedNode().id,
        kind: "halt",
        label: "on failure",
        fromCluster: pid,
      });
    } else {
      failureEdges.push({
        from: last.id,
        to: haltNode().id,
        kind: "halt",
        label: "on failure: halt",
        fromCluster: pid,
      });
    }
    // A step that overrides the phase's policy gets its own failure arrow.
    phase.steps.forEach((s, i) => {
      const own = s.onFailure?.value;
      if (!own || own === policy) return;
      const node = members[i]!;
      if (own === "rollback" && lastRollback)
        failureEdges.push({
          from: node.id,
          to: lastRollback.nodes[0]!.id,
          kind: "rollback",
          label: "on failure: roll back",
          toCluster: lastRollback.id,
        });
      else if (own === "rollback")
        failureEdges.push({ from: node.id, to: failedNode().id, kind: "halt", label: "on failure" });
      else failureEdges.push({ from: node.id, to: haltNode().id, kind: "halt", label: "on failure: halt" });
    });
  }
  const end: GraphNode = { id: ids.take("completed"), kind: "end", lines: ["completed"] };
  nodes.push(end);
  edges.push({ from: flowTail.id, to: end.id, kind: "flow" });
  if (rollbackClusters.length > 0) {
    const done: GraphNode = { id: ids.take("rolled_back"), kind: "end", lines: ["rolled back and verified"] };
    nodes.push(done);
    const first = rollbackClusters[0]!;
    failureEdges.push({
      from: first.nodes[first.nodes.length - 1]!.id,
      to: done.id,
      kind: "rollback",
      fromCluster: first.id,
    });
  }
  if (failed) nodes.push(failed);
  if (halt) nodes.push(halt);
  clusters.push(...rollbackClusters, ...suites.values());
  edges.push(...suiteEdges, ...usesEdges, ...failureEdges);
  return { title, nodes, clusters, edges };
}
