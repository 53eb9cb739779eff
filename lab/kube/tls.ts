// A self-signed certificate for the stand-in on 127.0.0.1: kubectl, helm and client-node send a kubeconfig's
// bearer token only over TLS, so an API that checks tokens must speak HTTPS (made with the openssl CLI).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** A PEM key and certificate; `cert` is also the CA a client trusts. */
export interface ServingCert {
  key: string;
  cert: string;
}

/** The openssl binary: on PATH, else where Debian and most systems put it (a lab may run with a bare PATH). */
function opensslPath(): string {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/bin", "/bin", "/usr/local/bin"];
  return dirs.map((d) => join(d, "openssl")).find((p) => existsSync(p)) ?? "openssl";
}

/** A fresh P-256 key and a certificate for IP 127.0.0.1 and localhost, valid 30 days. */
export async function selfSignedCert(): Promise<ServingCert> {
  const dir = await mkdtemp(join(tmpdir(), "rbx-lab-tls-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    await promisify(execFile)(
      opensslPath(),
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "30",
        "-subj",
        "/CN=rbx-lab-apiserver",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { timeout: 30_000 },
    ).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === "ENOENT"
          ? "openssl is needed to give the lab's API a certificate (apt-get install openssl)"
          : `openssl could not make the lab's API certificate: ${error.message}`,
      );
    });
    return { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
