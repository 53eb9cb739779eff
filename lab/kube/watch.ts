// Watches: newline-separated JSON events over a chunked response, replayed from the store's event log.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiContext } from "./context.js";
import { ApiError } from "./errors.js";
import type { ResourceType } from "./resources.js";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import type { StoreEvent } from "./store.js";
import { toTable, wantsTable } from "./table.js";
import type { KObject } from "./types.js";

/** Serve `?watch=true` on a collection until the timeout, the client leaving or the server stopping. */
export function serveWatch(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  t: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): void {
  if (query.get("sendInitialEvents") === "true") {
    // Watch-list streaming is not offered; clients fall back to list + watch.
    throw new ApiError(
      422,
      "Invalid",
      "sendInitialEvents is not supported by this server; use list and watch",
    );
  }
  const labels = parseLabelSelector(query.get("labelSelector") ?? "");
  const fields = parseFieldSelector(query.get("fieldSelector") ?? "");
  const matches = (o: KObject) =>
    (namespace === undefined || o.metadata.namespace === namespace) &&
    matchesLabels(labels, o.metadata.labels) &&
    matchesFields(fields, o);
  const rvText = query.get("resourceVersion") ?? "";
  let backlog: { type: string; object: KObject }[];
  if (rvText === "" || rvText === "0") {
    backlog = ctx.store
      .list(t, namespace)
      .filter(matches)
      .map((object) => ({ type: "ADDED", object }));
  } else {
    const events = ctx.store.eventsSince(Number(rvText));
    if (!events) {
      const gone = new ApiError(
        410,
        "Expired",
        `too old resource version: ${rvText} (${ctx.store.currentRv()})`,
      );
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      res.end(`${JSON.stringify({ type: "ERROR", object: gone.toStatus() })}\n`);
      return;
    }
    backlog = events
      .filter((e) => e.resource === t && matches(e.object))
      .map((e) => ({ type: e.type, object: e.object }));
  }
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache",
  });
  res.flushHeaders();
  const table = wantsTable(req);
  const include = query.get("includeObject");
  const write = (type: string, object: KObject) => {
    const body = table ? toTable(t.kind, [object], object.metadata.resourceVersion ?? "", include) : object;
    res.write(`${JSON.stringify({ type, object: body })}\n`);
  };
  for (const e of backlog) write(e.type, e.object);
  const unsubscribe = ctx.store.subscribe((e: StoreEvent) => {
    if (e.resource === t && matches(e.object)) write(e.type, e.object);
  });
  const seconds = Number(query.get("timeoutSeconds") ?? "0");
  const timer = seconds > 0 ? setTimeout(() => finish(), seconds * 1000) : undefined;
  const finish = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    ctx.closing.removeEventListener("abort", finish);
    if (!res.writableEnded) res.end();
  };
  ctx.closing.addEventListener("abort", finish);
  req.on("close", finish);
  res.on("close", finish);
}
