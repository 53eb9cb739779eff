// Small HTTP helpers: JSON answers, Status errors, request bodies decoded by content type.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, unsupportedMedia } from "./errors.js";
import { decodeEnvelope } from "./protobuf.js";

/** Write a JSON body with a status code. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Write an error as a Kubernetes Status (unknown errors become 500 InternalError). */
export function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof ApiError
      ? err
      : new ApiError(500, "InternalError", `internal error: ${(err as Error)?.message ?? err}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, e.code, e.toStatus());
}

/** Read the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased ("application/json"). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Decode a JSON, YAML or Kubernetes-protobuf body; empty bodies are undefined. */
export async function decodeBody(body: Buffer, media: string): Promise<unknown> {
  if (body.length === 0) return undefined;
  if (media === "application/vnd.kubernetes.protobuf") return decodeEnvelope(new Uint8Array(body));
  const text = body.toString("utf8");
  if (media === "" || media.endsWith("json")) {
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest("the request body is not valid JSON");
    }
  }
  if (media.endsWith("yaml")) {
    const { parse } = await import("yaml");
    try {
      return parse(text);
    } catch {
      throw badRequest("the request body is not valid YAML");
    }
  }
  throw unsupportedMedia(media);
}
