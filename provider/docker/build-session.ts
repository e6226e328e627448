// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import type { Duplex } from "stream";
import { dockerodeDependency } from "./dockerode-deps";
import { lengthDelimited, stringField } from "./protobuf-wire";

/** Registry credentials a build may use to pull its base images from that registry. */
export interface SessionAuth {
  serveraddress: string;
  username: string;
  password: string;
}

/** An open BuildKit session: pass `id` as the build's `session`, then `close()` it. */
export interface BuildSession {
  id: string;
  close(): void;
}

const secretsMethod = "/moby.buildkit.secrets.v1.Secrets/GetSecret";
const credentialsMethod = "/moby.filesync.v1.Auth/Credentials";
const healthMethod = "/grpc.health.v1.Health/Check";
/** `HealthCheckResponse { status: SERVING }`. */
const serving = Buffer.from([0x08, 0x01]);

/** The registry host of a `serveraddress` (`https://host:5000/v2/` and `host:5000` both give `host:5000`). */
function hostOf(address: string): string {
  return address.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
}

/**
 * Opens a BuildKit session on the engine (`POST /session`, upgraded to HTTP/2) that answers the
 * builder's requests for build secrets (`RUN --mount=type=secret,id=...`) from `secrets` and for
 * registry credentials for `auth`'s host only. Secret values travel over this connection and are
 * never part of the build's request, its layers or its cache keys.
 */
export async function openBuildSession(
  docker: Dockerode,
  secrets: Record<string, Buffer>,
  auth?: SessionAuth,
): Promise<BuildSession> {
  const crypto = require("crypto") as typeof import("crypto");
  const grpc = dockerodeDependency<typeof import("@grpc/grpc-js")>("@grpc/grpc-js");
  const id = crypto.randomUUID();
  const socket = await new Promise<Duplex>((resolve, reject) =>
    docker.modem.dial(
      {
        method: "POST",
        path: "/session",
        hijack: true,
        headers: {
          Upgrade: "h2c",
          "X-Docker-Expose-Session-Uuid": id,
          "X-Docker-Expose-Session-Name": "berth",
          "X-Docker-Expose-Session-Sharedkey": "",
          "X-Docker-Expose-Session-Grpc-Method": [secretsMethod, credentialsMethod, healthMethod],
        },
        statusCodes: { 101: true, 200: true, 500: "server error" },
      } as never,
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Duplex)),
    ),
  );
  const server = new grpc.Server();
  const unary = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  });
  type Reply = (err: { code: number; details: string } | null, value?: Buffer) => void;
  server.addService({ GetSecret: unary(secretsMethod) }, {
    GetSecret(call: { request: Buffer }, reply: Reply) {
      const name = stringField(call.request, 1) ?? "";
      const value = secrets[name];
      if (value === undefined) reply({ code: grpc.status.NOT_FOUND, details: `no secret ${name}` });
      else reply(null, lengthDelimited([[1, value]]));
    },
  } as never);
  server.addService({ Credentials: unary(credentialsMethod) }, {
    Credentials(call: { request: Buffer }, reply: Reply) {
      const host = stringField(call.request, 1) ?? "";
      const match = auth && hostOf(auth.serveraddress) === hostOf(host);
      reply(
        null,
        match
          ? lengthDelimited([
              [1, auth.username],
              [2, auth.password],
            ])
          : Buffer.alloc(0),
      );
    },
  } as never);
  // The engine checks the session's health every second and drops a session that does not answer.
  server.addService({ Check: unary(healthMethod) }, {
    Check(_call: unknown, reply: Reply) {
      reply(null, serving);
    },
  } as never);
  server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
  return {
    id,
    close() {
      server.forceShutdown();
      socket.end();
    },
  };
}
