import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "pulumi-berth";
import { EcsCluster } from "pulumi-berth/ecs";
import { apiPage, apiProxyScript, webPage, workerScript } from "../local/app";

const config = new pulumi.Config();
/** Every service runs busybox's tools (httpd, wget, sh), so one small public image serves the whole app. */
const image = config.get("image") ?? "public.ecr.aws/docker/library/busybox:1.36";
const apiToken = config.requireSecret("apiToken");
/** One NAT gateway keeps the example cheap; `perZone` survives the loss of a zone. */
const natGateways = config.get("natGateways") === "perZone" ? "perZone" : "single";

/** An ACM certificate for the web's load balancer: HTTPS on 443, and port 80 only redirects. */
const certificateArn = config.get("certificateArn");

// A new VPC over two zones, Fargate capacity and a Cloud Map namespace (`berth.local`) in which the
// services find each other by name. Without a certificate a public HTTP port is refused unless plain
// HTTP is allowed by name: this demo app carries nothing worth encrypting, so it allows it.
const cluster = new EcsCluster("berth", {
  natGateways,
  ...(certificateArn !== undefined ? { certificateArn } : { allowPlainHttp: true }),
});

// Start the new tasks before stopping old ones, and roll back when they fail their health checks.
const update = { order: "start-first", failureAction: "rollback" } as const;
const resources = { cpu: 0.25, memory: "512Mi" };
const apiPort = 8080;

/**
 * ECS mounts no files, so a service gets each file's content in a variable and its shell writes the
 * file at start, before `exec`ing the server: `files` maps each path to its variable.
 */
function writeFilesThen(files: Record<string, string>, run: string, executable: string[] = []): string[] {
  const dirs = [...new Set(Object.keys(files).map((file) => file.slice(0, file.lastIndexOf("/"))))];
  const steps = [
    `mkdir -p ${dirs.join(" ")}`,
    ...Object.entries(files).map(([file, variable]) => `printf '%s' "$${variable}" > ${file}`),
    ...(executable.length > 0 ? [`chmod 555 ${executable.join(" ")}`] : []),
    `exec ${run}`,
  ];
  return ["sh", "-c", steps.join(" && ")];
}

const api = new ContainerService("api", {
  cluster,
  image,
  command: writeFilesThen({ "/srv/api/index.html": "API_PAGE" }, `httpd -f -p ${apiPort} -h /srv/api`),
  env: { API_PAGE: apiPage },
  secretEnv: { API_TOKEN: apiToken },
  replicas: 2,
  // Not public: only the cluster's tasks reach it, at its Cloud Map name `api.berth.local`.
  ports: [{ target: apiPort }],
  healthCheck: { http: { path: "/", port: apiPort }, interval: "5s", timeout: "3s", retries: 3 },
  update,
  resources,
  stopGracePeriod: "2s",
});

/** The API's Cloud Map name, as the other services call it. */
const apiHost = api.endpoints.apply((endpoints) => endpoints[0].host);

const web = new ContainerService(
  "web",
  {
    cluster,
    image,
    command: writeFilesThen(
      { "/srv/www/index.html": "INDEX_HTML", "/srv/www/cgi-bin/api": "API_CGI" },
      "httpd -f -p 80 -h /srv/www",
      ["/srv/www/cgi-bin/api"],
    ),
    env: {
      INDEX_HTML: webPage,
      API_CGI: apiHost.apply((host) => apiProxyScript(host, apiPort)),
    },
    replicas: 2,
    // Public HTTP: an Application Load Balancer listens on port 80 (443 with a certificate) and forwards
    // to the tasks.
    ports: [{ target: 80, public: true, http: { path: "/" } }],
    healthCheck: { http: { path: "/", port: 80 }, interval: "5s", timeout: "3s", retries: 3 },
    update,
    resources,
    stopGracePeriod: "2s",
  },
  { dependsOn: [api] },
);

const worker = new ContainerService(
  "worker",
  {
    cluster,
    image,
    // The script's URL names "$API_HOST", which the shell expands to the API's Cloud Map name.
    command: ["sh", "-c", workerScript("$API_HOST", apiPort)],
    env: { API_HOST: apiHost },
    secretEnv: { API_TOKEN: apiToken },
    healthCheck: { command: "test -f /tmp/healthy", interval: "5s", retries: 3, startPeriod: "10s" },
    update,
    resources,
    stopGracePeriod: "2s",
  },
  { dependsOn: [api] },
);

export const clusterName = cluster.clusterName;
export const url = web.endpoints.apply((endpoints) => {
  const published = endpoints.find((e) => e.publicAddress);
  return published && `${certificateArn !== undefined ? "https" : "http"}://${published.publicAddress}/`;
});
export const apiEndpoint = api.endpoints.apply((endpoints) => `${endpoints[0].host}:${endpoints[0].port}`);
export const services = {
  web: web.serviceName,
  api: api.serviceName,
  worker: worker.serviceName,
};
