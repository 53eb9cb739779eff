// A GET to the lab's API from the lab's own code (Service proxies, `rbx lab status`): HTTP or HTTPS with the
// lab's CA and bearer token, bounded in time.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** How to reach the API: its CA (HTTPS) and token, when it has them. */
export interface ApiAccess {
  ca?: string;
  token?: string;
}

/** GET `path` on the API at `apiUrl`; the status code and body text. */
export function apiGet(
  apiUrl: string,
  path: string,
  access: ApiAccess = {},
  timeoutMs = 5_000,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, apiUrl);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        timeout: timeoutMs,
        headers: access.token ? { authorization: `Bearer ${access.token}` } : {},
        ...(url.protocol === "https:" && access.ca ? { ca: access.ca } : {}),
      },
      (res) => {
        let text = "";
        res.on("data", (b: Buffer) => {
          text += b.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`the API did not answer ${path} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
