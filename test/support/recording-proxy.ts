import fs from "fs";
import net from "net";
import os from "os";
import path from "path";
import { type RequestHead, RequestHeadParser } from "./request-heads";

/**
 * A unix-socket proxy in front of the real engine that records every HTTP request passing through
 * it: its request line (method and URL), to prove what travels in URLs, and the names of its headers.
 */
export class RecordingProxy {
  readonly socketPath: string;
  readonly requests: RequestHead[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(target: string) {
    this.socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "berth-proxy-")), "docker.sock");
    this.server = net.createServer((client) => {
      const upstream = net.connect(target);
      this.sockets.add(client).add(upstream);
      const parser = new RequestHeadParser((head) => this.requests.push(head));
      client.on("data", (chunk: Buffer) => parser.push(chunk));
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close);
      upstream.on("error", close);
    });
  }

  /** "METHOD URL" of every request, in order. */
  get requestLines(): string[] {
    return this.requests.map((r) => r.line);
  }

  static async start(target = "/var/run/docker.sock"): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(proxy.socketPath, resolve));
    return proxy;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(path.dirname(this.socketPath), { recursive: true, force: true });
  }
}
