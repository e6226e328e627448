import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "pulumi-berth";
import { Monitoring } from "pulumi-berth/observability";
import { LocalSwarm } from "pulumi-berth/swarm";
import { Tenant } from "pulumi-berth/tenant";

const config = new pulumi.Config();
const image = config.get("image") ?? "busybox:1.36";

const cluster = new LocalSwarm("shared");

// Each team gets its own encrypted network, a quota and per-container limits.
const teams = ["payments", "search"].map(
  (team) =>
    new Tenant(team, {
      cluster,
      quota: { cpu: 2, memory: "1Gi", services: 10 },
      limits: { maxCpu: 1, maxMemory: "512Mi" },
    }),
);

for (const tenant of teams) {
  const team = tenant.tenantName;
  // Resource names are unique in a program; `serviceName` is the name within the tenant.
  new ContainerService(`${team}-api`, {
    cluster: tenant,
    serviceName: "api",
    image,
    command: ["sh", "-c", `mkdir -p /srv && echo ${team} > /srv/index.html && exec httpd -f -p 8080 -h /srv`],
    replicas: 2,
    ports: [{ target: 8080 }],
    resources: { cpu: 0.25, memory: "32Mi" },
    metrics: { port: 8080, path: "/" },
  });
}

// The swarm's monitoring: Prometheus, Alertmanager, exporters and Grafana; nothing published.
const webhook = config.getSecret("alertWebhook");
const monitoring = new Monitoring("mon", {
  cluster,
  // Prometheus scrapes each tenant's services on the tenant's network.
  swarm: { networks: teams.map((tenant) => `tenant-${tenant.tenantName}`) },
  receivers: webhook ? { webhooks: [webhook] } : undefined,
});

export const grafanaUrl = monitoring.grafanaUrl;
export const grafanaAdminPassword = monitoring.grafanaAdminPassword;
