import fs from "fs";
import net from "net";
import os from "os";
import path from "path";

/**
 * A unix-socket proxy in front of the real engine that records the request line (method and URL) of
 * every HTTP request passing through it, to prove what travels in URLs.
 */
export class RecordingProxy {
  readonly socketPath: string;
  readonly requestLines: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(target: string) {
    this.socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "berth-proxy-")), "docker.sock");
    this.server = net.createServer((client) => {
      const upstream = net.connect(target);
      this.sockets.add(client).add(upstream);
      let pending = "";
      client.on("data", (chunk) => {
        pending += chunk.toString("latin1");
        for (const match of pending.matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r\n/gm)) {
          this.requestLines.push(`${match[1]} ${match[2]}`);
        }
        pending = pending.slice(-4096);
      });
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close);
      upstream.on("error", close);
    });
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
