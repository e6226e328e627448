import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "pulumi-berth";
import { LocalSwarm } from "pulumi-berth/swarm";
import { apiPage, apiProxyScript, webPage, workerScript } from "./app";

const config = new pulumi.Config();
/** Every service runs busybox's tools (httpd, wget, sh), so one small image serves the whole app. */
const image = config.get("image") ?? "busybox:1.36";
const webPort = config.getNumber("webPort") ?? 8080;
const apiToken = config.requireSecret("apiToken");

// The local engine; swarm mode is switched on if it is off. Services join its default overlay
// network and reach each other by service name; it is attachable so `docker run --network` can join.
const cluster = new LocalSwarm("local", { defaultNetwork: { args: { attachable: true } } });

// Start the new task before stopping an old one, and roll back when the new one fails its health check.
const update = { order: "start-first", failureAction: "rollback", monitor: "5s" } as const;
const apiPort = 8080;

const api = new ContainerService("api", {
  cluster,
  image,
  command: ["httpd", "-f", "-p", String(apiPort), "-h", "/srv/api"],
  replicas: 2,
  // DNS round robin: callers resolve the tasks directly, without the swarm's virtual IP.
  endpointMode: "dnsrr",
  ports: [{ target: apiPort }],
  configs: [{ source: "index", target: "/srv/api/index.html", data: apiPage }],
  secrets: [{ source: "token", data: apiToken }],
  healthCheck: { http: { path: "/", port: apiPort }, interval: "5s", timeout: "3s", retries: 3 },
  update,
  resources: { cpu: 0.25, memory: "32Mi" },
  stopGracePeriod: "2s",
});

const web = new ContainerService(
  "web",
  {
    cluster,
    image,
    command: ["httpd", "-f", "-p", "80", "-h", "/srv/www"],
    replicas: 2,
    ports: [{ target: 80, published: webPort }],
    configs: [
      { source: "index", target: "/srv/www/index.html", data: webPage },
      {
        source: "api-cgi",
        target: "/srv/www/cgi-bin/api",
        mode: 0o555,
        data: apiProxyScript("api", apiPort),
      },
    ],
    healthCheck: { http: { path: "/", port: 80 }, interval: "5s", timeout: "3s", retries: 3 },
    update,
    resources: { cpu: 0.25, memory: "32Mi" },
    stopGracePeriod: "2s",
  },
  { dependsOn: [api] },
);

const worker = new ContainerService(
  "worker",
  {
    cluster,
    image,
    command: ["sh", "-c", workerScript("api", apiPort)],
    secretEnv: { API_TOKEN: apiToken },
    healthCheck: { command: "test -f /tmp/healthy", interval: "5s", retries: 3, startPeriod: "10s" },
    update,
    resources: { cpu: 0.1, memory: "16Mi" },
    stopGracePeriod: "1s",
  },
  { dependsOn: [api] },
);

export const swarmId = cluster.swarmId;
export const network = cluster.defaultNetwork?.name;
export const url = web.endpoints.apply((endpoints) => {
  const published = endpoints.find((e) => e.publicAddress);
  return published && `http://${published.publicAddress}/`;
});
export const services = {
  web: web.serviceId,
  api: api.serviceId,
  worker: worker.serviceId,
};
