import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components";
import { KubernetesCluster } from "../../components/kubernetes";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import { assertNowherePlain } from "../support/state-queries";
import {
  CreationOptions,
  ingressHostname,
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
  mockUid,
  loadBalancerIp,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const workloadType = "berth:kubernetes:KubernetesWorkload";
const rolloutType = "pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout";
const releaseType = "pulumi-nodejs:dynamic/berth/kubernetes:Release";
const namespace = "shop";
type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;

const api: ServiceArgs = {
  image: "registry.example.com/shop/api:1.2.3",
  user: "10001:10001",
  ports: [{ target: 8080, published: 443 }, { target: 9090 }],
  secretEnv: { DB_PASSWORD: pulumi.secret("pw-db-123") },
  secrets: [{ source: "tls.key", data: pulumi.secret("key-456") }, { source: "existing-ca" }],
  configs: [{ source: "app.yaml", target: "/etc/app.yaml", data: "level: info\n" }],
  registryAuth: { server: "registry.example.com", username: "ci", password: "reg-pw-789" },
  replicas: 2,
  timeoutSeconds: 420,
};
const secretValues = ["pw-db-123", "key-456", "reg-pw-789"];

interface Deployed {
  run: ProgramRun;
  capture: CreationOptions;
  cluster?: KubernetesCluster;
}

async function deploy(
  services: Record<string, ServiceArgs>,
  options: { preview?: boolean; previous?: ProgramRun } = {},
): Promise<Deployed> {
  const capture = new CreationOptions();
  let cluster: KubernetesCluster | undefined;
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      const shared = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace });
      cluster = shared;
      return Object.fromEntries(
        Object.entries(services).map(([name, args]) => {
          const s = new ContainerService(name, { cluster: shared, ...args });
          return [name, { endpoints: s.endpoints, name: s.serviceName, id: s.serviceId }];
        }),
      );
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      stack: "prod",
      project: "shop",
      ...options,
    },
  );
  return { run, capture, cluster };
}

const kubernetesObjects = (run: ProgramRun) => run.resources.filter((r) => r.type.startsWith("kubernetes:"));
const metadataOf = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string };
const podOf = (run: ProgramRun, name = "api") =>
  (run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.template.spec as PodSpec;
const containerOf = (run: ProgramRun, name = "api") => podOf(run, name).containers[0] as Container;
const objectName = (run: ProgramRun, pulumiName: string, type: string) =>
  metadataOf(run.byName(pulumiName, type)).name;

async function refusalOf(services: Record<string, ServiceArgs>): Promise<ServiceSpecError> {
  const err = await deploy(services, { preview: true }).then(
    () => assert.fail("the preview should have failed"),
    (e: Error & { resources?: RecordedResource[] }) => e,
  );
  const cause = err.cause;
  assert.ok(cause instanceof ServiceSpecError, String(cause));
  // Only the cluster's own objects exist: none of the service's.
  const created = (err.resources ?? []).filter(
    (r) => r.type.startsWith("kubernetes:") && r.type !== t.namespace,
  );
  assert.deepEqual(
    created.map((r) => r.name),
    [],
    "no workload object was created",
  );
  return cause;
}

describe("KubernetesWorkload under mocks", () => {
  it("builds the graph: typed objects, children of the workload, in the namespace, with the cluster's provider", async () => {
    const { run, capture, cluster } = await deploy({ api });
    const workload = run.byName("api", workloadType);
    assert.match(workload.parent, /berth:index:ContainerService::api$/);
    const children = run.resources.filter((r) => r.parent === workload.urn);
    assert.deepEqual(
      children.map((r) => `${r.type} ${r.name}`).sort(),
      [
        `${t.deployment} api`,
        `${t.configMap} api-config-app.yaml`,
        `${t.secret} api-env`,
        `${t.secret} api-registry`,
        `${t.secret} api-secret-tls.key`,
        `${t.service} api`,
        `${t.service} api-public`,
        `${t.serviceAccount} api`,
        `${t.networkPolicy} api`,
        `${t.pdb} api`,
        `${rolloutType} api`,
      ].sort(),
    );
    assert.ok(cluster?.provider);
    for (const r of children.filter((c) => c.type.startsWith("kubernetes:"))) {
      assert.equal(metadataOf(r).namespace, namespace, `${r.type} ${r.name} is in the namespace`);
      const opts = capture.of(r.type, r.name) as pulumi.CustomResourceOptions;
      assert.equal(opts.provider, cluster.provider, `${r.type} ${r.name} uses the cluster's provider`);
      assert.deepEqual(
        opts.customTimeouts,
        { create: "420s", update: "420s" },
        `${r.name} may take the timeout`,
      );
    }
    // Pods start with their ServiceAccount, files and network rules in place.
    assert.deepEqual(
      capture.dependsOn(t.deployment, "api"),
      [
        `${t.configMap} api-config-app.yaml`,
        `${t.secret} api-env`,
        `${t.secret} api-registry`,
        `${t.secret} api-secret-tls.key`,
        `${t.serviceAccount} api`,
        `${t.networkPolicy} api`,
      ].sort(),
    );
    assert.equal(run.outputs.api && (run.outputs.api as { name: string }).name, "api");
  });

  it("every object is valid Kubernetes, as rebuilt from the recorded inputs", async () => {
    const { run } = await deploy({
      api,
      web: {
        image: "nginx:1.27",
        ports: [{ target: 8080, public: true, http: { host: "shop.example.com", path: "/", tls: true } }],
        resources: { reservations: { cpu: "100m" } },
        autoscale: { min: 2, max: 4, cpuPercent: 70 },
      },
      agent: { image: "agent:1", mode: "global", ports: [{ target: 9100 }] },
      migrate: { image: "migrate:1", mode: "job", restart: { condition: "on-failure", maxAttempts: 3 } },
    });
    const objects = kubernetesObjects(run).map((r) => r.inputs);
    assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [
      "ConfigMap",
      "DaemonSet",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Ingress",
      "Job",
      "Namespace",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Secret",
      "Service",
      "ServiceAccount",
    ]);
    await assertValidKubernetesObjects(objects);
  });

  it("secure pod defaults: own ServiceAccount without a token, no escalation, RuntimeDefault, non-root", async () => {
    const { run } = await deploy({ api });
    const account = run.byName("api", t.serviceAccount);
    assert.equal(account.inputs.automountServiceAccountToken, false);
    const pod = podOf(run);
    assert.equal(pod.serviceAccountName, metadataOf(account).name);
    assert.deepEqual(containerOf(run).securityContext, {
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
      runAsUser: 10001,
      runAsNonRoot: true,
      runAsGroup: 10001,
    });
  });

  it("a NetworkPolicy per service: the stack's pods to declared ports, anyone to public ports", async () => {
    const { run } = await deploy({ api, db: { image: "postgres:16", ports: [{ target: 5432 }] } });
    const stackPods = { podSelector: { matchLabels: { "app.kubernetes.io/part-of": "shop-prod" } } };
    const policy = (name: string) => run.byName(name, t.networkPolicy).inputs.spec as NetworkPolicy["spec"];
    assert.deepEqual(policy("db"), {
      podSelector: { matchLabels: { "app.kubernetes.io/name": "db" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [stackPods], ports: [{ port: 5432, protocol: "TCP" }] }],
    });
    assert.deepEqual(policy("api")?.ingress, [
      {
        from: [stackPods],
        ports: [
          { port: 8080, protocol: "TCP" },
          { port: 9090, protocol: "TCP" },
        ],
      },
      { ports: [{ port: 8080, protocol: "TCP" }] },
    ]);
    for (const name of ["api", "db"]) {
      const labels = (run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.template.metadata
        ?.labels;
      assert.equal(labels?.["app.kubernetes.io/part-of"], "shop-prod", `${name}'s pods are the stack's`);
    }
  });

  it("secret values are Pulumi secrets in state, and appear nowhere else", async () => {
    const { run } = await deploy({ api });
    const env = run.byName("api-env", t.secret);
    assert.deepEqual(env.inputs.stringData, { DB_PASSWORD: "pw-db-123" });
    const file = run.byName("api-secret-tls.key", t.secret);
    assert.deepEqual(file.inputs.stringData, { value: "key-456" });
    const registry = run.byName("api-registry", t.secret);
    assert.equal(registry.inputs.type, "kubernetes.io/dockerconfigjson");
    const config = JSON.parse((registry.inputs.stringData as Record<string, string>)[".dockerconfigjson"]);
    assert.deepEqual(config, {
      auths: {
        "registry.example.com": {
          username: "ci",
          password: "reg-pw-789",
          auth: Buffer.from("ci:reg-pw-789").toString("base64"),
        },
      },
    });
    for (const value of secretValues) assertNowherePlain(run.resources, value);
    for (const r of run.resources) {
      for (const path of ["metadata", "spec"]) {
        assert.ok(!r.secretInputs.includes(path), `${r.type} ${r.name}: ${path} is not secret`);
      }
    }
    assert.ok(env.secretInputs.includes("stringData"));
    assert.ok(registry.secretInputs.includes("stringData"));
  });

  it("pods refer to the Secrets, ConfigMap and pull secret by their content-derived names", async () => {
    const { run } = await deploy({ api });
    const pod = podOf(run);
    const envName = objectName(run, "api-env", t.secret);
    const keyName = objectName(run, "api-secret-tls.key", t.secret);
    const configName = objectName(run, "api-config-app.yaml", t.configMap);
    const registryName = objectName(run, "api-registry", t.secret);
    assert.match(envName, /^api-env-[0-9a-f]{10}$/);
    assert.match(keyName, /^api-tls.key-[0-9a-f]{10}$/);
    assert.match(configName, /^api-app.yaml-[0-9a-f]{10}$/);
    assert.match(registryName, /^api-registry-[0-9a-f]{10}$/);
    assert.deepEqual(pod.imagePullSecrets, [{ name: registryName }]);
    assert.deepEqual(
      pod.volumes?.map((v) => v.secret?.secretName ?? v.configMap?.name),
      [keyName, "existing-ca", configName],
    );
    assert.deepEqual(containerOf(run).env, [
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: envName, key: "DB_PASSWORD" } } },
    ]);
    for (const name of ["api-env", "api-secret-tls.key", "api-registry"]) {
      assert.equal(run.byName(name, t.secret).inputs.immutable, true);
    }
  });

  it("new content means new names and a new pod template; the same content keeps both", async () => {
    const first = await deploy({ api });
    const same = await deploy({ api }, { previous: first.run });
    assert.equal(same.run.byName("api", t.deployment).operation, "same");
    assert.equal(objectName(same.run, "api-env", t.secret), objectName(first.run, "api-env", t.secret));

    const changed = await deploy(
      {
        api: {
          ...api,
          secretEnv: { DB_PASSWORD: pulumi.secret("pw-db-NEW") },
          configs: [{ source: "app.yaml", target: "/etc/app.yaml", data: "level: debug\n" }],
        },
      },
      { previous: first.run },
    );
    for (const [name, type] of [
      ["api-env", t.secret],
      ["api-config-app.yaml", t.configMap],
    ]) {
      assert.notEqual(
        objectName(changed.run, name, type),
        objectName(first.run, name, type),
        `${name} is renamed`,
      );
    }
    assert.equal(
      objectName(changed.run, "api-secret-tls.key", t.secret),
      objectName(first.run, "api-secret-tls.key", t.secret),
    );
    assert.equal(changed.run.byName("api", t.deployment).operation, "update", "the pods roll");
    assert.notDeepEqual(podOf(changed.run), podOf(first.run));
  });

  it("Secret names are keyed by the cluster's salt; ConfigMap names by content alone", async () => {
    const one = await deploy({ api });
    const other = await deploy({ api });
    assert.notEqual(objectName(one.run, "api-env", t.secret), objectName(other.run, "api-env", t.secret));
    assert.notEqual(
      objectName(one.run, "api-secret-tls.key", t.secret),
      objectName(other.run, "api-secret-tls.key", t.secret),
    );
    assert.equal(
      objectName(one.run, "api-config-app.yaml", t.configMap),
      objectName(other.run, "api-config-app.yaml", t.configMap),
    );
  });

  it("endpoints: cluster DNS names, and the load balancer's and the Ingress's addresses", async () => {
    const { run } = await deploy({
      api,
      web: {
        image: "nginx:1.27",
        ports: [{ target: 8080, public: true, http: { host: "shop.example.com", tls: true } }],
      },
      edge: { image: "nginx:1.27", ports: [{ target: 80, public: true, http: {} }] },
    });
    const endpoints = (name: string) => (run.outputs[name] as { endpoints: unknown }).endpoints;
    assert.deepEqual(endpoints("api"), [
      {
        host: "api.shop.svc.cluster.local",
        port: 8080,
        protocol: "tcp",
        publicAddress: `${loadBalancerIp}:443`,
      },
      { host: "api.shop.svc.cluster.local", port: 9090, protocol: "tcp" },
    ]);
    assert.deepEqual(endpoints("web"), [
      {
        host: "web.shop.svc.cluster.local",
        port: 8080,
        protocol: "tcp",
        publicAddress: "shop.example.com:443",
      },
    ]);
    assert.deepEqual(endpoints("edge"), [
      {
        host: "edge.shop.svc.cluster.local",
        port: 80,
        protocol: "tcp",
        publicAddress: `${ingressHostname}:80`,
      },
    ]);
  });

  it("global and job services: a DaemonSet and a Job, each with its ServiceAccount", async () => {
    const { run } = await deploy({
      agent: { image: "agent:1", mode: "global" },
      migrate: { image: "migrate:1", mode: "job" },
    });
    assert.equal(metadataOf(run.byName("agent", t.daemonSet)).name, "agent");
    assert.equal(metadataOf(run.byName("migrate", t.job)).name, "migrate");
    assert.deepEqual(
      run.resources.filter((r) => r.type === t.deployment).map((r) => r.name),
      [],
    );
    assert.equal(run.byName("migrate", t.serviceAccount).inputs.automountServiceAccountToken, false);
  });

  it("refusals fail the preview, naming the service and each field, before anything is created", async () => {
    const err = await refusalOf({
      api: { image: "api:1", networks: ["backend"], logging: { driver: "syslog" }, user: "app" },
    });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["logging", "networks", "user"],
    );
    assert.match(err.message, /^service api: 3 problems\n {2}logging: is not supported on kubernetes; /);
  });

  it("waits for a Deployment's rollout with a KubernetesRollout that rolls back; the provider does not wait", async () => {
    const { run } = await deploy({
      api,
      agent: { image: "agent:1", mode: "global", update: { failureAction: "pause" } },
      migrate: { image: "migrate:1", mode: "job" },
    });
    const deployment = run.byName("api", t.deployment);
    const annotations = (deployment.inputs.metadata as { annotations?: Record<string, string> }).annotations;
    assert.equal(annotations?.["pulumi.com/skipAwait"], "true");
    const rollout = run.byName("api", rolloutType);
    assert.equal(rollout.parent, run.byName("api", workloadType).urn);
    assert.deepEqual(
      {
        kind: rollout.inputs.kind,
        workload: rollout.inputs.workload,
        namespace: rollout.inputs.namespace,
        uid: rollout.inputs.uid,
        failureAction: rollout.inputs.failureAction,
        timeoutSeconds: rollout.inputs.timeoutSeconds,
      },
      {
        kind: "Deployment",
        workload: "api",
        namespace,
        uid: mockUid(t.deployment, { name: "api", namespace }),
        failureAction: "rollback",
        timeoutSeconds: 420,
      },
    );
    assert.deepEqual(rollout.inputs.template, (deployment.outputs.spec as { template: unknown }).template);
    assert.equal(rollout.inputs.kubeconfig, "kubeconfig-content");
    assert.ok(rollout.secretInputs.includes("kubeconfig"), "the kubeconfig is secret in state");
    // A DaemonSet is waited for the same way, and pauses when the spec says so.
    assert.equal(run.byName("agent", rolloutType).inputs.kind, "DaemonSet");
    assert.equal(run.byName("agent", rolloutType).inputs.failureAction, "pause");
    // A Job is the provider's to wait for: it has no rollout to undo.
    const job = run.byName("migrate", t.job).inputs.metadata as { annotations?: Record<string, string> };
    assert.equal(job.annotations?.["pulumi.com/skipAwait"], undefined);
    assert.equal(
      run.resources.some((r) => r.type === rolloutType && r.name === "migrate"),
      false,
    );
  });

  it("canary: a new image runs in <name>-canary first, is promoted by the next up, stable meanwhile", async () => {
    const canaried = (image: string): ServiceArgs => ({
      image,
      replicas: 4,
      ports: [{ target: 8080 }],
      update: { canary: { percent: 25 } },
    });
    const imageOf = (run: ProgramRun, name: string) =>
      ((run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.template.spec as PodSpec)
        .containers[0].image;
    const replicasOf = (run: ProgramRun, name: string) =>
      (run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.replicas;

    const first = await deploy({ web: canaried("web:1") });
    assert.equal(
      first.run.byName("web-release", releaseType).parent,
      first.run.byName("web", workloadType).urn,
    );
    assert.equal(imageOf(first.run, "web"), "web:1");
    assert.equal(replicasOf(first.run, "web"), 4);
    assert.equal(replicasOf(first.run, "web-canary"), 0, "no canary runs on the first release");
    const selector = (run: ProgramRun, name: string) =>
      (run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.selector.matchLabels;
    assert.equal(selector(first.run, "web")?.["berth.dev/track"], "stable");
    assert.equal(selector(first.run, "web-canary")?.["berth.dev/track"], "canary");

    const second = await deploy({ web: canaried("web:2") }, { previous: first.run });
    assert.equal(imageOf(second.run, "web"), "web:1", "the stable Deployment keeps the released version");
    assert.equal(imageOf(second.run, "web-canary"), "web:2");
    assert.equal(replicasOf(second.run, "web-canary"), 1, "25% of 4 replicas");

    const third = await deploy({ web: canaried("web:2") }, { previous: second.run });
    assert.equal(imageOf(third.run, "web"), "web:2", "the next up promotes the canary");
    assert.equal(replicasOf(third.run, "web-canary"), 0);
    await assertValidKubernetesObjects(
      third.run.resources
        .filter((r) => r.type === t.deployment)
        .map((r) => ({ apiVersion: "apps/v1", kind: "Deployment", ...r.inputs })),
    );
  });
});
