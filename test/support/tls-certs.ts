import { execFileSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";

/** PEM files of a throwaway CA, a server certificate for one IP address, and a client certificate. */
export interface TlsMaterial {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM text, for a client connection. */
  client: { ca: string; cert: string; key: string };
}

const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

/**
 * Makes a CA under `dir`, and with it a server certificate naming `address` (an IP address, or several
 * for one certificate) and a client certificate.
 */
export function tlsMaterial(dir: string, address: string | string[]): TlsMaterial {
  const addresses = [address].flat();
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => `${dir}/${name}`;
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=berth test CA",
    "-keyout",
    file("ca-key.pem"),
    "-out",
    file("ca.pem"),
  );
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      subject,
      "-keyout",
      file(`${name}-key.pem`),
      "-out",
      file(`${name}.csr`),
    );
    openssl(
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca-key.pem"),
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      file(`${name}.ext`),
      "-out",
      file(`${name}.pem`),
    );
  };
  const names = addresses.map((a) => `IP:${a}`).join(",");
  issue("server", `/CN=${addresses[0]}`, `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  issue("client", "/CN=berth", "extendedKeyUsage=clientAuth\n");
  const read = (name: string) => readFileSync(file(name), "utf8");
  return {
    caFile: file("ca.pem"),
    certFile: file("server.pem"),
    keyFile: file("server-key.pem"),
    client: { ca: read("ca.pem"), cert: read("client.pem"), key: read("client-key.pem") },
  };
}
