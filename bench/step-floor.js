// The floors of one rbx step, in a process of their own: `n` GETs of the step's URL through node:http (the
// action's own work, as http.check sends it) and `n` appends of a `bytes`-byte line to a fresh 0600 file, each
// fsync'd (the durability one journaled step needs). Prints { getUs, appendUs, lineBytes } per operation.
// Usage: node bench/step-floor.js BASE-URL N BYTES DIR
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";

const [base, nText, bytesText, dir] = process.argv.slice(2);
const n = Number(nText);

/** One GET read to its end, as http.check reads it. */
const get = (url) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: "GET" }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });

let t = process.hrtime.bigint();
for (let i = 0; i < n; i++) await get(new URL(`${base}/s${i}`));
const getUs = Number(process.hrtime.bigint() - t) / n / 1000;

const body = JSON.stringify({ seq: 1, type: "step.succeeded", step: "s1", attempt: 1, output: { ok: true } });
const line = Buffer.from(
  `${body.slice(0, -1)},"pad":"${"x".repeat(Math.max(0, Number(bytesText) - body.length - 10))}"}\n`,
);
const fd = openSync(join(dir, "floor.jsonl"), "a", 0o600);
t = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  writeSync(fd, line);
  fsyncSync(fd);
}
const appendUs = Number(process.hrtime.bigint() - t) / n / 1000;
closeSync(fd);
process.stdout.write(`${JSON.stringify({ getUs, appendUs, lineBytes: line.length })}\n`);
