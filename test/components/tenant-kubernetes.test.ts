/**
 * Tenants on a KubernetesCluster under mocks: each tenant's namespaces with Pod Security `restricted`,
 * its ResourceQuota, LimitRange, NetworkPolicies, RoleBindings and pull Secret, every object valid
 * Kubernetes; services deployed on a tenant land in its namespace, pull with its Secret, run on its node
 * pool and meet `restricted`; tenants do not reach each other; a service over the tenant's quota or
 * limits is refused at preview with the numbers, and nothing of it is registered.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components";
import { ComposeStack } from "../../components/compose";
import { KubernetesCluster } from "../../components/kubernetes";
import { Tenant, type TenantArgs, TenantArgumentsError } from "../../components/tenant";
import { composeDir } from "../support/compose-dir";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import { assertNowherePlain } from "../support/state-queries";
import {
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";
import {
  connectionAdmitted,
  type NamespaceLabels,
  type PlacedPolicy,
  type PolicyPod,
} from "../support/network-policy-check";

const types = {
  ...t,
  resourceQuota: "kubernetes:core/v1:ResourceQuota",
  limitRange: "kubernetes:core/v1:LimitRange",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  workload: "berth:kubernetes:KubernetesWorkload",
};
const serviceType = "berth:index:ContainerService";
const pullPassword = "robot-pw-4711";
type TenantOptions = Omit<TenantArgs, "cluster">;
type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;

const payments: TenantOptions = {
  namespaces: ["payments", "payments-batch"],
  owners: [
    { kind: "group", name: "team-payments" },
    { kind: "user", name: "auditor@example.com", role: "view" },
    { kind: "group", name: "payments-ci", role: "edit" },
  ],
  quota: {
    cpu: 4,
    memory: "8Gi",
    pods: 20,
    services: 10,
    loadBalancers: 1,
    storage: "100Gi",
    persistentVolumeClaims: 5,
  },
  limits: { maxCpu: 2, maxMemory: "2Gi" },
  nodePool: "payments-pool",
  registryAuth: { server: "harbor.example.com", username: "robot$payments+pull", password: pullPassword },
};

function deploy(
  tenants: Record<string, TenantOptions>,
  services: Record<string, ServiceArgs & { tenant?: string }> = {},
  options: { preview?: boolean } = {},
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" });
      const made = Object.fromEntries(
        Object.entries(tenants).map(([name, args]) => [name, new Tenant(name, { cluster, ...args })]),
      );
      for (const [name, { tenant, ...args }] of Object.entries(services))
        new ContainerService(name, { cluster: tenant ? made[tenant] : cluster, ...args });
      return Object.fromEntries(
        Object.entries(made).map(([name, tenant]) => [name, tenant.serviceHost("api")]),
      );
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: "shop",
      stack: "prod",
      ...options,
    },
  );
}

const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);
const metadataOf = (r: RecordedResource) =>
  r.inputs.metadata as { name: string; namespace?: string; labels?: Record<string, string> };
const inNamespace = (run: ProgramRun, type: string, namespace: string) =>
  ofType(run, type).filter((r) => metadataOf(r).namespace === namespace);
const podOf = (run: ProgramRun, name: string) =>
  (run.byName(name, t.deployment).inputs.spec as Deployment["spec"])?.template as {
    metadata: { labels: Record<string, string> };
    spec: PodSpec;
  };
const containerOf = (run: ProgramRun, name: string) => podOf(run, name).spec.containers[0] as Container;

async function refusal(
  tenants: Record<string, TenantOptions>,
  services: Record<string, ServiceArgs & { tenant?: string }>,
): Promise<{ cause: unknown; resources: RecordedResource[] }> {
  const err = await deploy(tenants, services, { preview: true }).then(
    () => assert.fail("the preview should have failed"),
    (e: Error & { resources?: RecordedResource[] }) => e,
  );
  return { cause: err.cause, resources: err.resources ?? [] };
}

describe("Tenant on a KubernetesCluster under mocks", () => {
  it("makes each namespace with Pod Security restricted, a quota, a limit range, policies, role bindings and a pull secret, all valid Kubernetes", async () => {
    const run = await deploy(
      { payments },
      { api: { tenant: "payments", image: "harbor.example.com/payments/api:1" } },
    );
    const namespaces = ofType(run, t.namespace).filter((r) => metadataOf(r).labels?.["berth.dev/tenant"]);
    assert.deepEqual(namespaces.map((r) => metadataOf(r).name).sort(), ["payments", "payments-batch"]);
    for (const ns of namespaces) {
      const labels = metadataOf(ns).labels!;
      assert.equal(labels["berth.dev/tenant"], "payments");
      for (const mode of ["enforce", "audit", "warn"])
        assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", `${mode}s restricted`);
      assert.match(
        labels["pod-security.kubernetes.io/enforce-version"],
        /^v1\.\d+$/,
        "enforced at a pinned version",
      );
      const name = metadataOf(ns).name;
      assert.deepEqual(
        inNamespace(run, types.resourceQuota, name).map((r) => r.inputs.spec),
        [
          {
            hard: {
              "requests.cpu": "4",
              "requests.memory": "8Gi",
              pods: "20",
              services: "10",
              "services.loadbalancers": "1",
              "requests.storage": "100Gi",
              persistentvolumeclaims: "5",
            },
          },
        ],
      );
      assert.deepEqual(
        inNamespace(run, types.limitRange, name).map((r) => r.inputs.spec),
        [
          {
            limits: [
              {
                type: "Container",
                default: { cpu: "500m", memory: "512Mi" },
                defaultRequest: { cpu: "100m", memory: "128Mi" },
                max: { cpu: "2", memory: "2Gi" },
              },
            ],
          },
        ],
      );
      const bindings = Object.fromEntries(
        inNamespace(run, types.roleBinding, name).map((r) => [
          (r.inputs.roleRef as { name: string }).name,
          { kind: (r.inputs.roleRef as { kind: string }).kind, subjects: r.inputs.subjects },
        ]),
      );
      const subject = (kind: string, n: string) => ({ kind, name: n, apiGroup: "rbac.authorization.k8s.io" });
      assert.deepEqual(bindings, {
        admin: { kind: "ClusterRole", subjects: [subject("Group", "team-payments")] },
        edit: { kind: "ClusterRole", subjects: [subject("Group", "payments-ci")] },
        view: { kind: "ClusterRole", subjects: [subject("User", "auditor@example.com")] },
      });
      const pull = inNamespace(run, t.secret, name).filter(
        (r) => r.inputs.type === "kubernetes.io/dockerconfigjson",
      );
      assert.equal(pull.length, 1, `one pull secret in ${name}`);
      const config = JSON.parse((pull[0].inputs.stringData as Record<string, string>)[".dockerconfigjson"]);
      assert.equal(config.auths["harbor.example.com"].password, pullPassword);
      assert.equal(inNamespace(run, t.networkPolicy, name).length >= 3, true, `policies in ${name}`);
    }
    await assertValidKubernetesObjects(
      run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs),
    );
  });

  it("leaves out of the quota what the tenant does not limit, and makes no quota without one", async () => {
    const run = await deploy({
      a: { quota: { cpu: "1500m", pods: 3 } },
      b: {},
    });
    assert.deepEqual(inNamespace(run, types.resourceQuota, "a")[0].inputs.spec, {
      hard: { "requests.cpu": "1500m", pods: "3" },
    });
    assert.deepEqual(inNamespace(run, types.resourceQuota, "b"), []);
    const limits = inNamespace(run, types.limitRange, "b")[0].inputs.spec as {
      limits: Record<string, unknown>[];
    };
    assert.equal(limits.limits[0].max, undefined, "no maximum unless one is given");
  });

  it("a ContainerService on the tenant lands in its first namespace, pulls with its secret, runs on its pool and meets restricted", async () => {
    const run = await deploy(
      { payments },
      {
        api: {
          tenant: "payments",
          image: "harbor.example.com/payments/api:1",
          ports: [{ target: 8080 }],
          replicas: 2,
          resources: { cpu: "1" },
        },
      },
    );
    const workload = run.byName("api", types.workload);
    const children = run.resources.filter(
      (r) => r.parent === workload.urn && r.type.startsWith("kubernetes:"),
    );
    assert.ok(children.length > 0);
    for (const r of children) assert.equal(metadataOf(r).namespace, "payments", `${r.type} ${r.name}`);
    assert.deepEqual(
      children.filter((r) => r.type === t.secret).map((r) => r.name),
      [],
      "no Secret of the service's own for the tenant's credentials",
    );
    const pod = podOf(run, "api").spec;
    const tenantPull = inNamespace(run, t.secret, "payments").find(
      (r) => r.inputs.type === "kubernetes.io/dockerconfigjson",
    )!;
    assert.deepEqual(pod.imagePullSecrets, [{ name: metadataOf(tenantPull).name }]);
    assert.deepEqual(pod.nodeSelector, { "berth.tenant-pool": "payments-pool" });
    const security = containerOf(run, "api").securityContext!;
    assert.equal(security.runAsNonRoot, true);
    assert.equal(security.allowPrivilegeEscalation, false);
    assert.deepEqual(security.seccompProfile, { type: "RuntimeDefault" });
    assert.deepEqual(security.capabilities, { drop: ["ALL"] });
    assert.deepEqual(
      containerOf(run, "api").resources,
      { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
      "limits and requests written out as the tenant counts them",
    );
    assert.equal(run.outputs.payments, "api.payments.svc.cluster.local", "the tenant's service host");
  });

  it("a ComposeStack on the tenant deploys each service into its namespace, counted against its quota", async () => {
    const content = `
services:
  web:
    image: nginx:1.27
    user: "101"
    expose: ["8080"]
  worker:
    image: worker:1
    deploy:
      replicas: 2
`;
    const program = (pods: number) => () => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" });
      const tenant = new Tenant("payments", { cluster, quota: { pods } });
      const stack = new ComposeStack("shop", {
        cluster: tenant,
        project: { content, workingDir: composeDir({}) },
      });
      return { hosts: stack.hosts };
    };
    const options = { mockResource: kubernetesMockResource, mockDynamic: kubernetesMockDynamic };
    const run = await runProgram(program(3), options);
    for (const name of ["web", "worker"])
      assert.equal(metadataOf(run.byName(`shop-${name}`, t.deployment)).namespace, "payments", name);
    assert.equal((run.outputs.hosts as Record<string, string>).web, "web.payments.svc.cluster.local");
    const err = await runProgram(program(2), { ...options, preview: true }).then(
      () => assert.fail("the preview should have failed"),
      (e: Error) => e,
    );
    assert.match(String(err.message), /over its quota of 2/);
  });

  it("a service with registry credentials of its own pulls with them, in the tenant's namespace", async () => {
    const run = await deploy(
      { payments },
      {
        api: {
          tenant: "payments",
          image: "ghcr.io/acme/api:1",
          registryAuth: { server: "ghcr.io", username: "acme", password: "gh-pw" },
        },
      },
    );
    const own = run.byName("api-registry", t.secret);
    assert.equal(metadataOf(own).namespace, "payments");
    assert.deepEqual(podOf(run, "api").spec.imagePullSecrets, [{ name: metadataOf(own).name }]);
  });

  it("two tenants get separate namespaces, and their pods do not reach each other while reaching their own", async () => {
    const run = await deploy(
      { payments: { owners: [] }, search: { owners: [] } },
      {
        pay: { tenant: "payments", image: "pay:1", ports: [{ target: 8080 }] },
        ledger: { tenant: "payments", image: "ledger:1", ports: [{ target: 9000 }] },
        find: { tenant: "search", image: "find:1", ports: [{ target: 8080 }] },
      },
    );
    assert.equal(metadataOf(run.byName("pay", t.deployment)).namespace, "payments");
    assert.equal(metadataOf(run.byName("find", t.deployment)).namespace, "search");
    const policies = ofType(run, t.networkPolicy).map((r) => ({
      ...(r.inputs as object),
      metadata: metadataOf(r),
    })) as PlacedPolicy[];
    const namespaces: NamespaceLabels = Object.fromEntries(
      ofType(run, t.namespace).map((r) => [metadataOf(r).name, metadataOf(r).labels ?? {}]),
    );
    namespaces["kube-system"] = {};
    const pod = (name: string): PolicyPod => ({
      namespace: metadataOf(run.byName(name, t.deployment)).namespace!,
      labels: podOf(run, name).metadata.labels,
    });
    const stranger: PolicyPod = { namespace: "payments", labels: { app: "by-hand" } };
    const dns: PolicyPod = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    const admitted = (from: PolicyPod, to: PolicyPod, port: number, protocol?: "TCP" | "UDP") =>
      connectionAdmitted(policies, namespaces, from, to, port, protocol);

    assert.equal(admitted(pod("pay"), pod("ledger"), 9000), true, "a tenant's services reach each other");
    assert.equal(admitted(pod("pay"), pod("ledger"), 22), false, "only on declared ports");
    assert.equal(admitted(stranger, pod("ledger"), 9000), true, "the tenant's other pods reach its services");
    assert.equal(admitted(pod("pay"), stranger, 5432), true, "and its services reach them");
    assert.equal(
      admitted(pod("find"), pod("pay"), 8080),
      false,
      "another tenant's service does not reach it",
    );
    assert.equal(admitted(pod("pay"), pod("find"), 8080), false, "nor the other way");
    assert.equal(
      admitted({ namespace: "search", labels: {} }, stranger, 80),
      false,
      "nor pods of another tenant",
    );
    assert.equal(
      admitted({ namespace: "shop", labels: {} }, pod("pay"), 8080),
      false,
      "nor the cluster's own",
    );
    assert.equal(admitted(pod("pay"), dns, 53, "UDP"), true, "DNS over UDP");
    assert.equal(admitted(pod("pay"), dns, 53, "TCP"), true, "DNS over TCP");
    assert.equal(admitted(pod("pay"), { namespace: "kube-system", labels: {} }, 443), false, "nothing else");
  });

  it("refuses a service over the tenant's quota at preview, with the numbers, and registers nothing of it", async () => {
    const { cause, resources } = await refusal(
      { payments: { quota: { cpu: 1 } } },
      {
        small: { tenant: "payments", image: "small:1", resources: { reservations: { cpu: "400m" } } },
        big: {
          tenant: "payments",
          image: "big:1",
          replicas: 3,
          resources: { reservations: { cpu: "300m" } },
        },
      },
    );
    assert.ok(cause instanceof ServiceSpecError, String(cause));
    assert.match(
      cause.message,
      /tenant payments: asks for 900m CPU; with the tenant's other services \(400m\) that is 1300m, over its quota of 1\b/,
    );
    assert.ok(
      resources.some((r) => r.name === "small" && r.type === types.workload),
      "the first one was deployed",
    );
    assert.deepEqual(
      resources
        .filter((r) => r.name.startsWith("big") && r.type !== serviceType)
        .map((r) => `${r.type} ${r.name}`),
      [],
      "nothing of the refused service besides its component",
    );
  });

  it("refuses a service above the tenant's per-container limits at preview, with the numbers", async () => {
    const { cause, resources } = await refusal(
      { payments: { limits: { maxMemory: "1Gi", maxCpu: "500m" } } },
      {
        hog: { tenant: "payments", image: "hog:1", resources: { memory: "2Gi" } },
      },
    );
    assert.ok(cause instanceof ServiceSpecError, String(cause));
    assert.match(
      cause.message,
      /resources\.memory: tenant payments: 2Gi of memory is more than the tenant's limit of 1Gi per container/,
    );
    assert.deepEqual(
      resources.filter((r) => r.name.startsWith("hog") && r.type !== serviceType),
      [],
    );

    const reserved = await refusal(
      { payments: { limits: { maxCpu: "500m" } } },
      { greedy: { tenant: "payments", image: "greedy:1", resources: { reservations: { cpu: "800m" } } } },
    );
    assert.match(
      String((reserved.cause as Error).message),
      /resources\.reservations\.cpu: tenant payments: 800m CPU reserved is more than the tenant's limit of 500m per container/,
    );
  });

  it("counts the Kubernetes Services and load balancers a service makes against the quota", async () => {
    const { cause, resources } = await refusal(
      { payments: { quota: { loadBalancers: 1, services: 3 } } },
      {
        web: { tenant: "payments", image: "web:1", ports: [{ target: 80, published: 80 }] },
        api: { tenant: "payments", image: "api:1", ports: [{ target: 81, published: 81 }] },
      },
    );
    assert.ok(cause instanceof ServiceSpecError, String(cause));
    assert.match(
      cause.message,
      /tenant payments: makes 1 Kubernetes LoadBalancer Services; with the tenant's other services \(1\) that is 2, over its quota of 1/,
    );
    assert.match(
      cause.message,
      /makes 2 Kubernetes Services; with the tenant's other services \(2\) that is 4, over its quota of 3/,
    );
    assert.equal(
      resources
        .filter((r) => r.type === types.workload)
        .map((r) => r.name)
        .join(),
      "web",
    );
  });

  it("refuses what Pod Security restricted forbids, naming each field, where the cluster itself accepts it", async () => {
    const risky: ServiceArgs = {
      image: "risky:1",
      user: "0",
      capAdd: ["NET_ADMIN", "NET_BIND_SERVICE"],
      volumes: [{ type: "bind", source: "/var/run", target: "/host" }],
      sysctls: { "net.core.somaxconn": "1024", "net.ipv4.tcp_syncookies": "1" },
      ports: [{ target: 80, published: 8080, publishMode: "host" }],
    };
    const { cause } = await refusal({ payments: {} }, { risky: { tenant: "payments", ...risky } });
    assert.ok(cause instanceof ServiceSpecError, String(cause));
    assert.deepEqual(cause.issues.map((i) => i.path).sort(), [
      "capAdd[0]",
      "ports[0].publishMode",
      "sysctls.net.core.somaxconn",
      "user",
      "volumes[0]",
    ]);
    assert.match(cause.message, /Pod Security restricted/);
    const plain = await deploy({}, { risky });
    assert.equal(
      metadataOf(plain.byName("risky", t.deployment)).namespace,
      "shop",
      "accepted outside a tenant",
    );
    assert.equal(containerOf(plain, "risky").securityContext?.runAsNonRoot, undefined, "and left as it was");
  });

  it("refuses namespaces that are Kubernetes', the cluster's or another tenant's, before anything is created", async () => {
    let caught: unknown;
    const run = await runProgram(
      () => {
        const cluster = new KubernetesCluster("prod", { kubeconfig: "k", namespace: "shop" });
        new Tenant("payments", { cluster, namespaces: ["payments", "shared"] });
        try {
          new Tenant("search", { cluster, namespaces: ["kube-system", "shop", "shared", "search"] });
        } catch (err) {
          caught = err;
        }
      },
      { mockResource: kubernetesMockResource, preview: true },
    );
    assert.ok(caught instanceof TenantArgumentsError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["namespaces[0]", "namespaces[1]", "namespaces[2]"],
    );
    assert.match(caught.message, /"shared" is already a namespace of tenant payments/);
    assert.deepEqual(
      run.resources
        .filter((r) => r.name.startsWith("search") && r.type !== "berth:tenant:Tenant")
        .map((r) => r.name),
      [],
      "nothing of the refused tenant besides its component",
    );
  });

  it("keeps the pull credentials secret in state", async () => {
    const run = await deploy(
      { payments },
      { api: { tenant: "payments", image: "harbor.example.com/payments/api:1" } },
    );
    assertNowherePlain(run.resources, pullPassword);
    const pulls = ofType(run, t.secret).filter((r) => r.inputs.type === "kubernetes.io/dockerconfigjson");
    assert.equal(pulls.length, 2);
    for (const s of pulls)
      assert.ok(s.secretInputs.includes("stringData"), `${s.name}'s stringData is secret`);
  });
});
