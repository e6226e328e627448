/**
 * HarborRegistry under mocks: the `harbor` Helm release through the cluster's provider with the values
 * Berth sets, passwords secret in state, and nothing configured before the health wait is done.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesCluster } from "../../components/kubernetes";
import { HarborProject } from "../../components/registry/harbor";
import {
  HarborRegistry,
  type HarborRegistryArgs,
  HarborRegistryError,
} from "../../components/registry/harbor/registry";
import { type MockedResource, runProgram, type ProgramRun } from "../support/harness";
import {
  CreationOptions,
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { plainHolders } from "../support/state-queries";

const types = {
  release: "kubernetes:helm.sh/v3:Release",
  health: "pulumi-nodejs:dynamic/berth/harbor:HarborHealth",
  password: "pulumi-nodejs:dynamic/berth/random:RandomPassword",
  project: "pulumi-nodejs:dynamic/berth/harbor:HarborProject",
} as const;
/** The chart values the tests read, loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- chart values are free-form
type HelmValues = Record<string, any>;
const dbPassword = "db-pw-7319-secret";
const redisPassword = "redis-pw-2846-secret";

/** Answers the Helm release as the provider would (revision 1), the rest as the API server would. */
function mockResource(resource: MockedResource): Record<string, unknown> {
  if (resource.type === types.release) return { status: { revision: 1, status: "deployed" } };
  return kubernetesMockResource(resource);
}

async function install(
  install: Omit<NonNullable<HarborRegistryArgs["install"]>, "cluster">,
  allowInsecureHttp?: boolean,
): Promise<{ run: ProgramRun; capture: CreationOptions; order: string[]; sameProvider: boolean }> {
  const capture = new CreationOptions();
  const order: string[] = [];
  let cluster: KubernetesCluster | undefined;
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      cluster = new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
      const harbor = new HarborRegistry("harbor", { install: { cluster, ...install }, allowInsecureHttp });
      new HarborProject("apps", { connection: harbor.connection, name: "apps" });
      return { url: harbor.url, adminPassword: harbor.adminPassword, connection: harbor.connection };
    },
    {
      mockResource,
      mockDynamic: (resource) => {
        const { type, inputs } = resource;
        if (type === types.health) {
          order.push("health");
          return { components: ["core", "database"] };
        }
        if (type === types.project) {
          order.push(`project via ${(inputs.connection as { url: string }).url}`);
          return { projectId: 7 };
        }
        // The release's watch, as Helm would leave it.
        return kubernetesMockDynamic(resource);
      },
    },
  );
  const sameProvider = capture.of(types.release, "harbor-release").provider === cluster?.provider;
  return { run, capture, order, sameProvider };
}

describe("HarborRegistry installing the harbor chart (under mocks)", () => {
  it("installs the chart with ingress, TLS, persistence and external services, through the cluster's provider", async () => {
    const { run, sameProvider } = await install({
      expose: { type: "ingress", host: "harbor.example.com", className: "nginx" },
      tls: { secretName: "harbor-tls" },
      persistence: { storageClass: "fast", registrySize: "50Gi" },
      database: { host: "pg.internal", username: "harbor", password: pulumi.secret(dbPassword) },
      redis: { address: "redis.internal:6379", password: redisPassword },
      values: { trivy: { enabled: false } },
    });
    const release = run.byName("harbor-release", types.release);
    assert.equal(sameProvider, true, "the release goes through the cluster's provider");
    assert.equal(release.inputs.chart, "harbor");
    assert.equal(release.inputs.version, "1.16.0");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://helm.goharbor.io" });
    assert.equal(release.inputs.namespace, "harbor");
    const ns = run.byName("harbor-namespace", t.namespace);
    assert.equal((ns.inputs.metadata as { name: string }).name, "harbor");
    const values = release.inputs.values as HelmValues;
    assert.deepEqual(values.expose, {
      type: "ingress",
      tls: { enabled: true, certSource: "secret", secret: { secretName: "harbor-tls" } },
      ingress: { hosts: { core: "harbor.example.com" }, className: "nginx" },
    });
    assert.equal(values.externalURL, "https://harbor.example.com");
    assert.equal(values.persistence.enabled, true);
    assert.deepEqual(values.persistence.persistentVolumeClaim.registry, {
      storageClass: "fast",
      size: "50Gi",
    });
    assert.equal(values.persistence.persistentVolumeClaim.database.storageClass, "fast");
    assert.deepEqual(values.database, {
      type: "external",
      external: {
        host: "pg.internal",
        port: "5432",
        username: "harbor",
        password: dbPassword,
        coreDatabase: "registry",
        sslmode: "require",
      },
    });
    assert.deepEqual(values.redis, {
      type: "external",
      external: { addr: "redis.internal:6379", password: redisPassword },
    });
    assert.deepEqual(values.trivy, { enabled: false }, "given values are merged in");
    assert.equal(run.outputs.url, "https://harbor.example.com");
  });

  it("generates the admin password and keeps every password secret in state", async () => {
    const first = await install({
      expose: { type: "loadBalancer", ip: "203.0.113.20" },
      externalURL: "https://203.0.113.20",
      database: { host: "pg.internal", username: "harbor", password: dbPassword },
    });
    const generated = first.run.byName("harbor-admin-password", types.password);
    const admin = String(generated.outputs.result);
    assert.match(admin, /^[A-Za-z0-9]{24}$/);
    assert.ok(generated.secretOutputs.includes("result"));
    const values = first.run.byName("harbor-release", types.release).inputs.values as HelmValues;
    assert.equal(values.harborAdminPassword, admin);
    assert.deepEqual(values.expose.loadBalancer, { IP: "203.0.113.20" });
    assert.equal(values.expose.tls.certSource, "auto", "TLS is on by default, with the chart's certificate");
    for (const secret of [admin, dbPassword]) {
      assert.deepEqual(plainHolders(first.run, secret), [], `${secret.slice(0, 6)}... is only in secrets`);
    }
    assert.equal(JSON.stringify(first.run.outputs.connection).includes(admin), true);
    assert.equal(first.run.outputs.adminPassword, admin);
  });

  it("waits for health after the release, and configures Harbor only once it is healthy", async () => {
    const { run, capture, order } = await install(
      { expose: { type: "ingress", host: "harbor.example.com" }, tls: { enabled: false } },
      true,
    );
    assert.deepEqual(capture.dependsOn(types.health, "harbor-health"), [`${types.release} harbor-release`]);
    const health = run.byName("harbor-health", types.health);
    assert.equal(health.inputs.url, "http://harbor.example.com", "no TLS: plain HTTP");
    assert.equal(health.inputs.trigger, "1", "an upgrade of the release (a new revision) waits again");
    assert.deepEqual(order, ["health", "project via http://harbor.example.com"]);
    const project = run.byName("apps", types.project);
    assert.ok(project.secretInputs.includes("connection"));
  });

  it("refuses wrong arguments, listing each, before creating anything", async () => {
    const err = await runProgram(() => {
      const cluster = new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
      new HarborRegistry("harbor", {
        install: { cluster, expose: { type: "loadBalancer" }, namespace: "Not_A_Label" },
        existing: { url: "harbor.example.com", password: "pw" },
      });
    }).then(
      () => assert.fail("the program should fail"),
      (e: Error & { resources?: { type: string }[] }) => e,
    );
    const cause = (err.cause as Error) ?? err;
    assert.ok(cause instanceof HarborRegistryError || /HarborRegistry harbor:/.test(cause.message));
    for (const path of ["install", "existing.url", "install.externalURL", "install.namespace"]) {
      assert.match(cause.message, new RegExp(`\\n  ${path.replace(".", "\\.")}: `), `names ${path}`);
    }
    assert.deepEqual(
      (err.resources ?? []).filter((r) => r.type === types.release || r.type === types.health),
      [],
    );
  });
});
