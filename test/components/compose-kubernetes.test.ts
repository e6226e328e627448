import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import type { PodSpec, ServiceSpec } from "kubernetes-types/core/v1";
import { ComposeStack } from "../../components/compose";
import { KubernetesCluster } from "../../components/kubernetes";
import { composeDir } from "../support/compose-dir";
import { envFileProject } from "../support/compose-env-files";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import {
  CreationOptions,
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const stackType = "berth:compose:ComposeStack";
const serviceType = "berth:index:ContainerService";
const rolloutType = "pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout";
const namespace = "shop";
const dbPassword = "s3cret-db-771";
const apiToken = "t0ken-abc-552";
const tlsKey = "tls-key-from-file-903";

const shop = `
name: shop
services:
  web:
    image: registry.example.com/shop/web:1
    ports: ["8080:80"]
    environment:
      DB_HOST: db
      API_TOKEN: ${apiToken}
    secrets: [db_password, tls_key]
    configs:
      - source: site
        target: /etc/nginx/conf.d/default.conf
    deploy:
      resources: { reservations: { cpus: "0.25" } }
    x-berth:
      secretEnv: [API_TOKEN]
      timeoutSeconds: 120
      autoscale: { min: 2, max: 5, cpuPercent: 70 }
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
  migrate:
    image: registry.example.com/shop/migrate:1
    command: ["migrate", "up"]
    secrets: [db_password]
    deploy:
      mode: replicated-job
      restart_policy: { condition: on-failure, max_attempts: 2 }
    depends_on: [db]
  db:
    image: postgres:16
    secrets:
      - source: db_password
        target: /run/secrets/postgres-password
    volumes:
      - type: volume
        source: pgdata
        target: /var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 5s
secrets:
  db_password:
    environment: DB_PASSWORD
  tls_key:
    file: ./tls.key
configs:
  site:
    content: "server { listen 80; }"
volumes:
  pgdata:
    external: true
    name: shop-pgdata
`;

interface Deployed {
  run: ProgramRun;
  capture: CreationOptions;
}

async function deploy(
  content: string,
  options: {
    preview?: boolean;
    values?: Record<string, pulumi.Input<string>>;
    files?: Record<string, string>;
    env?: Record<string, string>;
  } = {},
): Promise<Deployed> {
  const capture = new CreationOptions();
  const workingDir = composeDir({ "tls.key": tlsKey, ...options.files });
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace });
      const stack = new ComposeStack("shop", {
        cluster,
        project: { content, workingDir, env: options.env },
        env: { DB_PASSWORD: dbPassword },
        values: options.values,
        timeoutSeconds: 240,
      });
      return { hosts: stack.hosts, serviceIds: stack.serviceIds };
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      stack: "prod",
      project: "shop",
      preview: options.preview,
    },
  );
  return { run, capture };
}

async function refusal(content: string): Promise<string> {
  const err = await deploy(content, { preview: true }).then(
    () => assert.fail("the preview should have failed"),
    (e: Error & { resources?: RecordedResource[] }) => e,
  );
  const created = (err.resources ?? []).filter(
    (r) => r.type.startsWith("kubernetes:") && r.type !== t.namespace,
  );
  assert.deepEqual(
    created.map((r) => r.name),
    [],
    "no workload object was created",
  );
  return String(err.cause instanceof Error ? err.cause.message : err.message);
}

const podOf = (r: RecordedResource) =>
  (r.inputs.spec as Deployment["spec"] | Job["spec"])?.template.spec as PodSpec;

describe("ComposeStack on Kubernetes", () => {
  it("makes each service a workload of the cluster, named by its Compose name, under the stack", async () => {
    const { run } = await deploy(shop);
    const stack = run.byName("shop", stackType);
    const services = run.resources.filter((r) => r.parent === stack.urn);
    assert.deepEqual(services.map((r) => `${r.type} ${r.name}`).sort(), [
      `${serviceType} shop-db`,
      `${serviceType} shop-migrate`,
      `${serviceType} shop-web`,
    ]);
    assert.equal((run.byName("shop-web", t.deployment).inputs.metadata as { name: string }).name, "web");
    assert.equal((run.byName("shop-db", t.deployment).inputs.metadata as { name: string }).name, "db");
    assert.equal((run.byName("shop-migrate", t.job).inputs.metadata as { name: string }).name, "migrate");
    for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== t.namespace)) {
      assert.equal((r.inputs.metadata as { namespace: string }).namespace, namespace, `${r.type} ${r.name}`);
    }
    const hpa = run.byName("shop-web", t.hpa).inputs.spec as { minReplicas: number; maxReplicas: number };
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [2, 5], "x-berth.autoscale");
    const rollout = (service: string) => run.byName(`shop-${service}`, rolloutType).inputs.timeoutSeconds;
    assert.equal(rollout("web"), 120, "x-berth.timeoutSeconds");
    assert.equal(rollout("db"), 240, "the stack's timeoutSeconds");
    await assertValidKubernetesObjects(
      run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs),
    );
  });

  it("creates services after what they depend on, and makes every resource of theirs wait", async () => {
    const { run, capture } = await deploy(shop);
    const order = run.resources.filter((r) => r.type === serviceType).map((r) => r.name);
    assert.ok(order.indexOf("shop-db") < order.indexOf("shop-migrate"), order.join(", "));
    assert.ok(order.indexOf("shop-migrate") < order.indexOf("shop-web"), order.join(", "));
    const waits = (type: string, name: string) =>
      capture.dependsOn(type, name).filter((d) => d.startsWith(serviceType));
    // service_healthy: the db's workload, whose rollout wait ends when its pods are ready (probed);
    // service_completed_successfully: the migration Job, which the provider awaits to completion.
    for (const [type, name] of [
      [t.deployment, "shop-web"],
      [t.secret, "shop-web-env"],
      [t.service, "shop-web"],
      [rolloutType, "shop-web"],
    ]) {
      assert.deepEqual(waits(type, name), [`${serviceType} shop-db`, `${serviceType} shop-migrate`], name);
    }
    assert.deepEqual(waits(t.job, "shop-migrate"), [`${serviceType} shop-db`]);
    assert.deepEqual(waits(t.deployment, "shop-db"), []);
    const job = run.byName("shop-migrate", t.job).inputs as { metadata: { annotations?: object } };
    assert.equal(
      (job.metadata.annotations as Record<string, string> | undefined)?.["pulumi.com/skipAwait"],
      undefined,
      "the provider waits for the Job to complete",
    );
    const db = podOf(run.byName("shop-db", t.deployment)).containers[0];
    assert.deepEqual(db.readinessProbe?.exec?.command, ["pg_isready"], "healthy means the probe passes");
  });

  it("lets the stack's pods reach every port of a service, as a Compose network does", async () => {
    const { run } = await deploy(shop);
    const policy = run.byName("shop-db", t.networkPolicy).inputs.spec as {
      ingress?: { from?: unknown[]; ports?: unknown[] }[];
    };
    assert.deepEqual(policy.ingress, [
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "shop-prod" } } }] },
    ]);
  });

  it("gives every service a cluster DNS name: a headless Service for one without ports", async () => {
    const { run } = await deploy(shop);
    assert.deepEqual(run.outputs.hosts, {
      db: "db.shop.svc.cluster.local",
      migrate: "migrate.shop.svc.cluster.local",
      web: "web.shop.svc.cluster.local",
    });
    const spec = (name: string) => run.byName(name, t.service).inputs.spec as ServiceSpec;
    assert.equal(spec("shop-db").clusterIP, "None");
    assert.deepEqual(spec("shop-db").selector, { "app.kubernetes.io/name": "db" });
    assert.equal(spec("shop-web").clusterIP, undefined, "a service with ports keeps its ClusterIP");
    assert.deepEqual(
      spec("shop-web").ports?.map((p) => p.port),
      [80],
    );
  });

  it("maps secrets to Secrets and configs to ConfigMaps, secret values secret in state", async () => {
    const { run } = await deploy(shop, { values: { tls_key: pulumi.secret(tlsKey) } });
    const secretOf = (name: string) => run.byName(name, t.secret);
    assert.deepEqual(secretOf("shop-web-secret-db_password").inputs.stringData, { value: dbPassword });
    assert.deepEqual(secretOf("shop-db-secret-db_password").inputs.stringData, { value: dbPassword });
    assert.deepEqual(secretOf("shop-web-secret-tls_key").inputs.stringData, { value: tlsKey });
    assert.deepEqual(secretOf("shop-web-env").inputs.stringData, { API_TOKEN: apiToken });
    const config = run.byName("shop-web-config-site", t.configMap).inputs as {
      metadata: { name: string };
      data: Record<string, string>;
    };
    assert.deepEqual(config.data, { value: "server { listen 80; }" });
    const web = podOf(run.byName("shop-web", t.deployment));
    const configVolume = web.volumes?.find((v) => v.configMap?.name === config.metadata.name);
    assert.ok(configVolume, "the pod mounts the ConfigMap");
    assert.ok(
      web.containers[0].volumeMounts?.some(
        (m) => m.name === configVolume.name && m.mountPath === "/etc/nginx/conf.d/default.conf",
      ),
    );
    const db = podOf(run.byName("shop-db", t.deployment));
    assert.ok(db.containers[0].volumeMounts?.some((m) => m.mountPath === "/run/secrets/postgres-password"));
    for (const r of run.resources) {
      for (const value of [dbPassword, apiToken, tlsKey]) {
        const plain = JSON.stringify(
          Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !r.secretInputs.includes(k))),
        );
        assert.ok(!plain.includes(value), `${r.type} ${r.name} holds a secret value in plain state`);
      }
    }
  });

  it("gives a container the variables of its env files and environment with Compose's precedence", async () => {
    const { files, content, env, expected } = envFileProject;
    const { run } = await deploy(content, { files, env });
    const container = podOf(run.byName("shop-app", t.deployment)).containers[0];
    const variables = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual(variables, expected);
  });

  it("mounts an external named volume as the PersistentVolumeClaim it names", async () => {
    const { run } = await deploy(shop);
    const db = podOf(run.byName("shop-db", t.deployment));
    const claim = db.volumes?.find((v) => v.persistentVolumeClaim);
    assert.equal(claim?.persistentVolumeClaim?.claimName, "shop-pgdata");
    assert.ok(
      db.containers[0].volumeMounts?.some(
        (m) => m.name === claim?.name && m.mountPath === "/var/lib/postgresql/data",
      ),
    );
  });

  it("refuses at preview, naming the service and key: volumes, networks, conditions", async () => {
    const message = await refusal(`
name: shop
services:
  web:
    image: web:1
    networks:
      outside: {}
      front: { aliases: [www] }
    volumes: ["cache:/cache"]
    depends_on:
      db: { condition: service_healthy }
      worker: { condition: service_completed_successfully }
  db:
    image: postgres:16
  worker:
    image: worker:1
networks:
  outside: { external: true }
  front: { internal: true }
volumes:
  cache: {}
`);
    for (const expected of [
      'services.web.networks.outside: the external network "outside" cannot be joined on kubernetes',
      "services.web.networks.front.aliases: kubernetes has no network aliases",
      'services.web.volumes[0]: the named volume "cache" cannot be created on kubernetes',
      'services.web.depends_on.db.condition: service_healthy needs a healthcheck on "db"',
      'services.web.depends_on.worker.condition: service_completed_successfully needs "worker" to run to completion',
      "networks.front.internal: kubernetes cannot cut a network off",
    ]) {
      assert.ok(message.includes(expected), `missing: ${expected}\nin: ${message}`);
    }
  });

  it("refuses invalid x-berth keys at preview, each with the service and key, all at once", async () => {
    const message = await refusal(`
name: shop
services:
  web:
    image: web:1
    x-berth: { timeoutSeconds: 0, public: "yes", autoscale: { min: 3, max: 2 }, exposure: true }
`);
    for (const expected of [
      "services.web.x-berth.timeoutSeconds: must be a whole number of seconds, at least 1, not 0",
      "services.web.x-berth.public: must be true or false",
      "services.web.x-berth.autoscale",
      "services.web.x-berth.exposure: is not an x-berth key",
    ]) {
      assert.ok(message.includes(expected), `missing: ${expected}\nin: ${message}`);
    }
  });

  it("refuses what the cluster cannot run, naming the service", async () => {
    const message = await refusal(`
name: shop
services:
  web:
    image: web:1
    logging: { driver: syslog }
`);
    assert.match(
      message,
      /service web: 1 problem\s+logging: is not supported on kubernetes; Kubernetes has no per-workload log driver/,
    );
  });
});
