import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { runProgram, unknownValue, type ProgramRun } from "../support/harness";
import { descendants, pathsHolding, holders } from "../support/state-queries";
import { kubernetesMockDynamic } from "../support/kubernetes-mocks";
import {
  gcpMockInvoke,
  gcpMockResource,
  gcpProject,
  gcpTypes,
  gkePublicEndpoint,
} from "../support/gcp-mocks";
import { loadExample } from "../support/example-program";

const apiToken = "tok-example-4711";
const image = "registry.example.com/tools/busybox:1.36";
/** The namespace of the example's services: `<project>-<stack>`. */
const namespace = "berth-gke-dev";
const types = {
  ...gcpTypes,
  cluster: "berth:kubernetes:GkeCluster",
  service: "berth:index:ContainerService",
  workload: "berth:kubernetes:KubernetesWorkload",
  deployment: "kubernetes:apps/v1:Deployment",
  k8sService: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
} as const;

/** Loads the example's program afresh from the build, as each `pulumi up` does. */
function gkeProgram(): unknown {
  return loadExample("gke");
}

function run(preview: boolean, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(gkeProgram, {
    previous,
    project: "berth-gke",
    stack: "dev",
    config: {
      image,
      apiToken,
      adminCidr: "198.51.100.7/32",
      "gcp:project": gcpProject,
      "gcp:region": "europe-west1",
    },
    secretConfig: ["apiToken"],
    preview,
    mockResource: gcpMockResource,
    mockInvoke: gcpMockInvoke,
    mockDynamic: kubernetesMockDynamic,
  });
}

const ofType = (r: ProgramRun, type: string) =>
  r.resources.filter((x) => x.type === type).sort((a, b) => a.name.localeCompare(b.name));

/** The graph both a preview and an up must have: one private GKE cluster, three workloads, one LoadBalancer for web. */
function assertGraph(r: ProgramRun) {
  assert.deepEqual(
    ofType(r, types.cluster).map((c) => c.name),
    ["berth"],
  );
  const [gke] = ofType(r, gcpTypes.cluster);
  assert.equal(gke.name, "berth-cluster");
  assert.equal(gke.inputs.deletionProtection, false, "the example can be destroyed");
  assert.deepEqual(gke.inputs.privateClusterConfig, {
    enablePrivateNodes: true,
    enablePrivateEndpoint: false,
    masterIpv4CidrBlock: "172.16.0.0/28",
  });
  assert.deepEqual(gke.inputs.masterAuthorizedNetworksConfig, {
    cidrBlocks: [{ cidrBlock: "198.51.100.7/32", displayName: "admin" }],
  });
  assert.deepEqual(
    ofType(r, gcpTypes.nodePool).map((p) => [p.name, p.inputs.autoscaling]),
    [["berth-pool-apps", { minNodeCount: 1, maxNodeCount: 2 }]],
  );
  assert.equal(ofType(r, gcpTypes.routerNat).length, 1, "private nodes pull public images through NAT");
  const workloads = ofType(r, types.workload);
  assert.deepEqual(
    workloads.map((w) => w.name),
    ["api", "web", "worker"],
  );
  for (const workload of workloads) {
    const deployments = descendants(r, workload, types.deployment);
    assert.equal(deployments.length, 1, `${workload.name} has one Deployment`);
  }
  const loadBalancers = ofType(r, types.k8sService).filter(
    (s) => (s.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer",
  );
  const [web] = workloads.filter((w) => w.name === "web");
  assert.deepEqual(
    loadBalancers.map((s) => s.name),
    descendants(r, web, types.k8sService)
      .filter((s) => loadBalancers.includes(s))
      .map((s) => s.name),
    "the only LoadBalancer is the web's",
  );
  assert.equal(loadBalancers.length, 1);
}

/** Every Kubernetes object of the app is in the stack's namespace. */
function assertNamespaced(r: ProgramRun) {
  const objects = r.resources.filter(
    (x) => x.type.startsWith("kubernetes:") && x.type !== "kubernetes:core/v1:Namespace",
  );
  assert.ok(objects.length > 10, "the app's objects");
  for (const x of objects)
    assert.equal((x.inputs.metadata as { namespace?: string }).namespace, namespace, `${x.name}'s namespace`);
}

describe("examples/gke under mocks", () => {
  it("previews the app: the GKE cluster, three workloads, one LoadBalancer for web, the token only in secrets", async () => {
    const r = await run(true);
    assertGraph(r);
    assert.deepEqual(
      holders(r, apiToken).filter((h) => !h.secret),
      [],
      "the token is in no plain input",
    );
    assert.equal(r.outputs.kubeconfig, unknownValue, "the endpoint is not known before the cluster exists");
    assert.equal(
      r.resources.some((x) => x.custom && x.operation !== "create"),
      false,
    );
  });

  it("deploys the app on the cluster: objects in the stack's namespace, the token a secret, a kubeconfig to reach it", async () => {
    const r = await run(false);
    assertGraph(r);
    assertNamespaced(r);
    const tokenHolders = holders(r, apiToken);
    assert.ok(tokenHolders.length >= 2, "the api's secret file and the worker's secret variable");
    assert.deepEqual(
      tokenHolders.filter((h) => !h.secret),
      [],
      "the token is in no plain input",
    );
    for (const h of tokenHolders) assert.match(h.at, /^kubernetes:core\/v1:Secret /, `${h.at} is a Secret`);
    assert.equal(JSON.stringify(r.outputs).includes(apiToken), false, "no token in stack outputs");

    const kubeconfig = parse(r.outputs.kubeconfig as string) as {
      clusters: { cluster: { server: string } }[];
      users: { user: { exec: { command: string } } }[];
    };
    assert.equal(kubeconfig.clusters[0].cluster.server, `https://${gkePublicEndpoint}`);
    assert.equal(kubeconfig.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    const provider = r.byName("berth-provider", "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.kubeconfig, r.outputs.kubeconfig);
    assert.equal(r.outputs.namespace, namespace);
    assert.equal(r.outputs.clusterName, "berth");
    assert.deepEqual(r.outputs.services, { web: "web", api: "api", worker: "worker" });
    assert.match(r.outputs.apiEndpoint as string, /^api\b.*:8080$/, "the api by its cluster DNS name");
    const cgi = ofType(r, types.configMap).flatMap((c) => pathsHolding(c.inputs, 'wget -qO- "http://api'));
    assert.equal(cgi.length, 1, "the web's CGI script calls the api by its cluster DNS name");
  });

  it("shows no changes on a second preview after the up", async () => {
    const up = await run(false);
    const again = await run(true, up);
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
    assert.equal(again.resources.filter((r) => r.custom).length, up.resources.filter((r) => r.custom).length);
  });
});
