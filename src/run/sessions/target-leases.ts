// The lock a target itself holds for a run (a Kubernetes Lease): who may take it, renew it, keep it halted.
// Every rbx installation that reaches the cluster sees it, whatever store it uses.
import { hostname } from "node:os";
import type { TargetLeaseApi, TargetLeaseRecord, TargetLeaseSpec } from "../../contract/target.js";
import type { LockKey } from "../model/events.js";
import { leaseHolderAlive } from "../store/liveness.js";

/** The Lease of a lock key: `rbx-` and the key (a DNS-1123 name: the key is `<kind>-<hex>` or `runbook-<name>`). */
export function leaseName(key: string): string {
  return `rbx-${key}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/-+$/, "");
}

/** Who a Lease is held for: the run and the process driving it, and where its journal lives. */
export interface LeaseHolder {
  runId: string;
  user: string;
  host: string;
  pid: number;
  role?: string;
  /** The run store's location (never a password). */
  store: string;
}

const A = {
  run: "rbx.dev/run",
  by: "rbx.dev/by",
  host: "rbx.dev/host",
  pid: "rbx.dev/pid",
  store: "rbx.dev/store",
  state: "rbx.dev/state",
  halted: "rbx.dev/halted",
} as const;

/** The `holderIdentity` of a run: one per run, whichever process drives it. */
export const holderIdentity = (runId: string) => `rbx run ${runId}`;

function annotations(me: LeaseHolder, state: "running" | "halted", halted?: string): Record<string, string> {
  return {
    [A.run]: me.runId,
    [A.by]: me.role && me.role !== me.user ? `${me.user}@${me.host} as ${me.role}` : `${me.user}@${me.host}`,
    [A.host]: me.host,
    [A.pid]: String(me.pid),
    [A.store]: me.store,
    [A.state]: state,
    ...(halted ? { [A.halted]: halted } : {}),
  };
}

/** A Lease's holder, as the people at another installation read it. */
export function describeLease(rec: TargetLeaseRecord, where: string): string {
  const a = rec.annotations;
  const run = a[A.run] ?? rec.holder;
  const by = a[A.by] ? ` by ${a[A.by]}` : "";
  const store = a[A.store] ? `, journal in ${a[A.store]}` : "";
  if (a[A.state] === "halted") {
    return `${where} is held by halted run ${run}${a[A.halted] ? `, ${a[A.halted]}` : by}${store}`;
  }
  if (!leaseLive(rec)) {
    return `${where} is held by run ${run}${by}${store}, whose lease expired at ${expiry(rec) ?? "?"}: it crashed or was killed`;
  }
  return `${where} is held by run ${run}${by}${store}, still running (renewed ${rec.renewTime ?? "?"})`;
}

function expiry(rec: TargetLeaseRecord): string | undefined {
  const renewed = rec.renewTime ? Date.parse(rec.renewTime) : Number.NaN;
  return Number.isFinite(renewed) ? new Date(renewed + rec.durationSeconds * 1000).toISOString() : undefined;
}

function leaseLive(rec: TargetLeaseRecord): boolean {
  const until = expiry(rec);
  return until !== undefined && Date.parse(until) > Date.now();
}

/** Whether the process holding a Lease still runs (the rule the store's lock rows follow too). */
function holderAlive(rec: TargetLeaseRecord): boolean {
  const a = rec.annotations;
  return leaseHolderAlive({
    host: a[A.host] ?? "",
    pid: Number(a[A.pid] ?? 0),
    live: leaseLive(rec),
    left: a[A.state] === "halted",
  });
}

/** One target Lease held (or to be held) for a run. */
export class TargetLease {
  private durationSeconds: number;
  /**
   * The target's namespace did not exist when the run took its locks: there is no Lease to hold until it does
   * (a run on Compose that never touches the cluster). Renewing tries to create it; the store's lock still holds.
   */
  private absent = false;

  constructor(
    readonly key: LockKey,
    readonly api: TargetLeaseApi,
    private readonly me: LeaseHolder,
    leaseMs: number,
  ) {
    this.durationSeconds = Math.max(1, Math.round(leaseMs / 1000));
  }

  private spec(
    prev: TargetLeaseRecord | undefined,
    state: "running" | "halted",
    halted?: string,
  ): TargetLeaseSpec {
    const now = new Date().toISOString();
    const mine = prev?.holder === holderIdentity(this.me.runId);
    return {
      holder: holderIdentity(this.me.runId),
      durationSeconds: this.durationSeconds,
      acquireTime: mine && prev?.acquireTime ? prev.acquireTime : now,
      renewTime: now,
      transitions: (prev?.transitions ?? 0) + (prev && !mine && prev.holder !== "" ? 1 : 0),
      annotations: annotations(this.me, state, halted),
    };
  }

  /**
   * Take the Lease: create it, or take it over by update with the read resourceVersion when it is this run's and
   * its process is gone (or is this one), or when `force`. Another run's Lease is refused with who holds it.
   */
  async acquire(
    force: boolean,
  ): Promise<{ ok: true; reclaimed: boolean; forced?: string } | { ok: false; holder: string }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rec = await this.api.read();
      if (!rec) {
        const created = await this.api.create(this.spec(undefined, "running"));
        this.absent = created === "no-namespace";
        if (created !== "exists") return { ok: true, reclaimed: false };
        continue;
      }
      const mine = rec.holder === holderIdentity(this.me.runId);
      const thisProcess =
        mine && rec.annotations[A.host] === hostname() && rec.annotations[A.pid] === String(process.pid);
      const free = rec.holder === "";
      if (!free && !(mine && (!holderAlive(rec) || thisProcess)) && !force) {
        return { ok: false, holder: describeLease(rec, this.api.where) };
      }
      const outcome = await this.api.replace(this.spec(rec, "running"), rec.resourceVersion);
      if (outcome === "replaced") {
        if (!free && !mine) return { ok: true, reclaimed: false, forced: describeLease(rec, this.api.where) };
        return { ok: true, reclaimed: mine };
      }
    }
    return { ok: false, holder: `${this.api.where} changed under every attempt to take it; try again` };
  }

  /** Renew while running, or mark it held by a halted run; "lost" when another holder wrote it since. */
  async renew(halted?: string): Promise<"renewed" | "lost"> {
    if (this.absent) {
      const created = await this.api.create(this.spec(undefined, halted ? "halted" : "running", halted));
      if (created === "exists") return "lost";
      this.absent = created === "no-namespace";
      return "renewed";
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const rec = await this.api.read();
      if (!rec || rec.holder !== holderIdentity(this.me.runId)) return "lost";
      const outcome = await this.api.replace(
        this.spec(rec, halted ? "halted" : "running", halted),
        rec.resourceVersion,
      );
      if (outcome === "replaced") return "renewed";
      if (outcome === "gone") return "lost";
    }
    return "lost";
  }

  /** Whether this run still holds the Lease (checked before every write action). */
  async held(): Promise<boolean> {
    if (this.absent) return (await this.renew()) === "renewed";
    const rec = await this.api.read();
    return rec?.holder === holderIdentity(this.me.runId);
  }

  /** Give the Lease up (the run ended); a Lease another run holds now is left alone. */
  async release(): Promise<void> {
    if (this.absent) return;
    const rec = await this.api.read();
    if (rec?.holder === holderIdentity(this.me.runId)) await this.api.remove(rec.resourceVersion);
  }
}
