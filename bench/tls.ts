/**
 * The HTTPS stand-in's certificate, made fresh for every run with the `openssl` command line
 * (node:crypto cannot sign a certificate): a throwaway certificate authority and a certificate
 * for 127.0.0.1 signed by it, valid for one day, in the bench's cache directory. The children
 * trust the authority through the environment, as a user would trust a private CA:
 * `NODE_EXTRA_CA_CERTS` (Node and Bun) and `DENO_CERT` (Deno). A self-signed leaf alone is not
 * enough: Deno's rustls refuses a CA certificate presented as the server's own.
 *
 * @module
 */
import { execFile } from "node:child_process"
import { mkdir, writeFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

/** The files of a run's certificate, by path. */
export interface Certificate {
  /** The authority the clients trust (PEM). */
  readonly ca: string
  /** The stand-in's certificate (PEM), for 127.0.0.1, signed by {@link ca}. */
  readonly cert: string
  /** The stand-in's private key (PEM). */
  readonly key: string
}

const run = promisify(execFile)

const directory = new URL("../node_modules/.cache/effect-ottu-bench/tls/", import.meta.url)
const path = (name: string) => fileURLToPath(new URL(name, directory))

/** Generates the authority and the stand-in's certificate; fails when `openssl` is missing. */
export const makeCertificate = async (): Promise<Certificate> => {
  await mkdir(directory, { recursive: true })
  const files = {
    ca: path("ca.pem"),
    caKey: path("ca-key.pem"),
    cert: path("cert.pem"),
    key: path("key.pem"),
    request: path("request.csr"),
    extensions: path("extensions.cnf"),
  }
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
  await run("openssl", [
    ...["req", "-x509", ...ec, "-days", "1", "-subj", "/CN=effect-ottu bench throwaway CA"],
    ...["-keyout", files.caKey, "-out", files.ca],
  ])
  await run("openssl", [
    ...["req", "-new", ...ec, "-subj", "/CN=127.0.0.1"],
    ...["-keyout", files.key, "-out", files.request],
  ])
  await writeFile(
    files.extensions,
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
      "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
  )
  await run("openssl", [
    ...["x509", "-req", "-in", files.request, "-CA", files.ca, "-CAkey", files.caKey],
    ...["-CAcreateserial", "-days", "1", "-extfile", files.extensions, "-out", files.cert],
  ])
  return { ca: files.ca, cert: files.cert, key: files.key }
}

/** The environment under which a child trusts the certificate on every runtime. */
export const trusting = (certificate: Certificate): Record<string, string> => ({
  NODE_EXTRA_CA_CERTS: certificate.ca,
  DENO_CERT: certificate.ca,
})
