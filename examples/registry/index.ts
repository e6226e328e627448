import path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "pulumi-berth";
import { KubernetesCluster } from "pulumi-berth/kubernetes";
import {
  credentialsFor,
  HarborImmutableTagRule,
  HarborProject,
  HarborRegistry,
  HarborRetentionPolicy,
  HarborRobotAccount,
} from "pulumi-berth/registry";

const config = new pulumi.Config();
const host = config.get("harborHost") ?? "harbor.example.com";

const cluster = new KubernetesCluster("berth", {
  kubeconfig: config.getSecret("kubeconfig"),
  context: config.get("context"),
});

// Harbor from its official chart, behind an Ingress with TLS; the admin password is generated (and
// secret) unless one is set. Nothing below touches Harbor before its health check says it is ready.
const harbor = new HarborRegistry("harbor", {
  install: {
    cluster,
    expose: { type: "ingress", host },
    externalURL: config.get("externalURL"),
    tls: { secretName: config.get("tlsSecret") },
    adminPassword: config.getSecret("harborAdminPassword"),
  },
  // Only for a Harbor reached over plain HTTP (a local test): the admin password would travel unencrypted.
  allowInsecureHttp: config.getBoolean("allowInsecureHttp"),
});

const project = new HarborProject("apps", { connection: harbor.connection, name: "apps", autoScan: true });
// Keep the ten most recently pushed tags of each repository; released versions never change.
new HarborRetentionPolicy("apps-retention", {
  connection: harbor.connection,
  projectId: project.projectId,
  rules: [{ template: "latestPushedK", count: 10 }],
  schedule: "0 0 3 * * *",
});
new HarborImmutableTagRule("apps-releases", {
  connection: harbor.connection,
  projectId: project.projectId,
  tags: "v*",
});

// One robot pushes the image and lets the cluster pull it.
const robot = new HarborRobotAccount("deploy", {
  connection: harbor.connection,
  project: project.name,
  access: [
    { resource: "repository", action: "push" },
    { resource: "repository", action: "pull" },
  ],
  description: "builds and pulls the web image",
});
const credentials = credentialsFor({ robot, harbor });

const web = new ContainerService("web", {
  cluster,
  build: { context: config.get("appDir") ?? path.join(__dirname, "app") },
  registry: { repository: pulumi.interpolate`${harbor.server}/${project.name}/web`, credentials, tag: "v1" },
  ports: [{ target: 8080, published: 80, public: true }],
  replicas: 2,
});

export const harborUrl = harbor.url;
export const adminPassword = harbor.adminPassword;
export const robotName = robot.fullName;
export const endpoints = web.endpoints;
