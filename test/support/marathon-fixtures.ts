/**
 * Marathon app definitions written for Berth's tests. They follow the published format of Marathon 1.x
 * app definitions (`POST /v2/apps`, as in Marathon's documentation and examples); no file was copied.
 */
import type { MarathonApp, MarathonGroup } from "../../components/marathon";

/** A web app in the group /shop: most of what a Marathon app says. */
export const shopWeb: MarathonApp = {
  id: "web",
  cmd: "httpd -f -p 8080 -h /www",
  instances: 2,
  cpus: 0.1,
  mem: 64,
  disk: 100,
  container: {
    type: "DOCKER",
    docker: { image: "local/busybox:1" },
    portMappings: [{ containerPort: 8080, hostPort: 0, servicePort: 10000, protocol: "tcp", name: "http" }],
  },
  networks: [{ mode: "container/bridge" }],
  healthChecks: [
    {
      protocol: "MESOS_HTTP",
      path: "/",
      portIndex: 0,
      gracePeriodSeconds: 5,
      intervalSeconds: 10,
      timeoutSeconds: 3,
      maxConsecutiveFailures: 3,
    },
  ],
  constraints: [
    ["hostname", "UNIQUE"],
    ["rack", "CLUSTER", "r1"],
    ["zone", "LIKE", "eu-.*"],
    ["zone", "GROUP_BY"],
  ],
  env: { LOG: "info", DB_PASSWORD: { secret: "db" } },
  secrets: { db: { source: "/shop/db-password" } },
  labels: { team: "shop", HAPROXY_GROUP: "external" },
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
  dependencies: ["db"],
  fetch: [{ uri: "https://example.com/site.tgz", extract: true }],
  backoffSeconds: 1,
};

/** A database app in /shop: legacy Docker port mappings, volumes, a TCP check. */
export const shopDb: MarathonApp = {
  id: "db",
  args: ["-c", "max_connections=50"],
  instances: 1,
  cpus: 0.5,
  mem: 512,
  container: {
    type: "DOCKER",
    docker: {
      image: "postgres:16",
      network: "BRIDGE",
      portMappings: [{ containerPort: 5432, hostPort: 15432, protocol: "tcp" }],
    },
    volumes: [
      { containerPath: "pgdata", persistent: { size: 1024 }, mode: "RW" },
      { containerPath: "/etc/ssl/certs", hostPath: "/etc/ssl/certs", mode: "RO" },
    ],
  },
  healthChecks: [{ protocol: "TCP", portIndex: 0 }],
  upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 0 },
};

/** The group that holds both. */
export const shopGroup: MarathonGroup = {
  id: "/shop",
  apps: [shopWeb],
  groups: [{ id: "data", apps: [{ ...shopDb, id: "/shop/db" }] }],
};

/** An app that runs on the local engine with local/busybox:1: an HTTP server with a COMMAND health check. */
export const hello: MarathonApp = {
  id: "/hello",
  // local/busybox:1 links only a few tools to busybox: call it by name for the rest.
  cmd: "busybox mkdir -p /www && echo hello from marathon > /www/index.html && httpd -f -p 8080 -h /www",
  instances: 1,
  cpus: 0.1,
  mem: 32,
  container: {
    type: "DOCKER",
    docker: { image: "local/busybox:1" },
    portMappings: [{ containerPort: 8080 }],
  },
  healthChecks: [
    {
      protocol: "COMMAND",
      command: { value: "wget -q -O /dev/null http://127.0.0.1:8080/" },
      intervalSeconds: 5,
      timeoutSeconds: 2,
      gracePeriodSeconds: 2,
    },
  ],
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
};
