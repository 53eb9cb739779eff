// A local HTTP server that answers every request 200 "ok" at once: the target of the benches' http.check steps.
// Started as its own process (the benches wait on child processes synchronously); prints its port, then serves
// until its parent closes its stdin.

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

/** Start the stub in a child process; resolves to `{ base, stop }` once it listens. */
export function startHttpStub() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (d) => {
      const port = Number(String(d).trim());
      resolve({
        base: `http://127.0.0.1:${port}`,
        stop: () => {
          child.stdin.end();
          child.kill();
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}
