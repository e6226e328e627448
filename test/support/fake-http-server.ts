import http from "http";
import type { AddressInfo } from "net";

/** Answers one request to a fake API, its body already read as UTF-8 text. */
export type FakeRequestHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/**
 * Starts a fake API's HTTP server on a free loopback port. Each request's body is read whole before
 * `handle` sees it; when `handle` throws, the request is answered 500 and the failure is added to
 * `violations`, so a test sees the fake's own fault instead of a hung client.
 */
export async function startFakeHttpServer(
  handle: FakeRequestHandler,
  violations: string[],
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        violations.push(`the fake failed on ${req.method} ${req.url}: ${String(err)}`);
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** The base URL of a started fake server, e.g. `http://127.0.0.1:40123`; throws naming `what` if it is not started. */
export function fakeServerUrl(server: http.Server | undefined, what: string): string {
  const address = server?.address() as AddressInfo | undefined;
  if (!address) throw new Error(`the ${what} fake is not started`);
  return `http://127.0.0.1:${address.port}`;
}

/** Closes a fake server and its open connections; nothing to do when it never started. */
export async function closeFakeHttpServer(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
