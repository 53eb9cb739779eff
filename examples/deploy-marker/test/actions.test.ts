// The deploy-marker actions called as rbx calls them (plan, run, probe), against the lab's real marker service.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MarkerServer, startMarkerServer } from "../../../lab/markers/server.js";
import { find, record, retract } from "../index.js";
import type { ActionContext, ResolvedConnection } from "rbx-runbooks";

let server: MarkerServer;

beforeAll(async () => {
  server = await startMarkerServer({ token: "lab-marker-token-1234" });
});
afterAll(async () => server?.stop());

/** The connections a runbook would resolve: the service and its bearer token. */
function connections(token = server.token): Map<string, ResolvedConnection> {
  const fields = { baseUrl: `${server.url}/`, headers: { Authorization: `Bearer ${token}` } };
  return new Map([["markers", { name: "markers", kind: "http", fields }]]);
}

/** What the interpreter hands an action: the run and step, a signal, a logger, the connections. */
function context(stepId: string, over: Partial<ActionContext> = {}): ActionContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    signal: new AbortController().signal,
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), progress: () => {} },
    redactor: { redact: (t) => t, addSecret: () => {} },
    connections: connections(),
    runId: "20260101-000000-abc123",
    stepId,
    workDir: "/tmp",
    env: {},
    lines,
    ...over,
  };
}

const args = { connection: "markers", product: "kryton", version: "4.6.5", previous: "4.6.4" };

describe("acme.marker.* against the marker service", () => {
  it("plans the request it would send, without sending it", () => {
    const plan = record.plan(args, { connections: connections(), redactor: { redact: (t) => t, addSecret() {} } });
    expect(plan).toEqual([{ kind: "http", text: `POST ${server.url}/api/markers kryton 4.6.5 from 4.6.4` }]);
    expect(server.markers()).toEqual([]);
  });

  it("records once per run step (the key makes a retry idempotent), finds it, and retracts it", async () => {
    const ctx = context("mark");
    const first = await record.run(ctx, args);
    expect(first).toMatchObject({ product: "kryton", version: "4.6.5", previous: "4.6.4", retracted: false });
    expect(first.key).toBe("20260101-000000-abc123/mark");
    expect(ctx.lines).toEqual([`marker ${first.id}: kryton 4.6.5`]);
    expect((await record.run(context("mark"), args)).id).toBe(first.id);
    expect(server.markers()).toHaveLength(1);
    const found = await find.run(context("find"), { connection: "markers", product: "kryton" });
    expect(found).toEqual({ found: true, marker: first });
    const gone = await retract.run(context("undo"), { connection: "markers", id: first.id });
    expect(gone.retracted).toBe(true);
    expect((await find.run(context("find"), { connection: "markers", product: "kryton" })).found).toBe(false);
  });

  it("probes an in-doubt write by its key: done with the marker, or not done", async () => {
    const made = await record.run(context("probed"), { ...args, product: "scrydon" });
    expect(await record.probe?.(context("probed"), { ...args, product: "scrydon" }, undefined)).toEqual({
      state: "done",
      output: made,
    });
    expect(await record.probe?.(context("never-ran"), { ...args, product: "scrydon" }, undefined)).toEqual({
      state: "not-done",
    });
    expect(await retract.probe?.(context("x"), { connection: "markers", id: made.id }, undefined)).toEqual({
      state: "not-done",
    });
  });

  it("fails as the interpreter needs: a bad minute may be retried, a refused token may not", async () => {
    server.failNextWrites(1);
    await expect(record.run(context("busy"), args)).rejects.toMatchObject({
      name: "StepFailure",
      kind: "action-error",
      retryable: true,
      message: expect.stringContaining("answered 503: the marker store is unavailable"),
    });
    const refused = context("refused", { connections: connections("wrong-token-5678") });
    await expect(record.run(refused, args)).rejects.toMatchObject({
      kind: "action-error",
      retryable: false,
      message: expect.stringContaining("was refused (401"),
    });
    await expect(record.run(context("x", { connections: new Map() }), args)).rejects.toMatchObject({
      kind: "invalid-input",
      message: 'no connection named "markers"; declare it under connections: with kind: http',
    });
  });
});
