import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runProgram, type ProgramRun } from "../support/harness";
import {
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";
import { descendants, holders, pathsHolding } from "../support/state-queries";
import { loadExample } from "../support/example-program";

const apiToken = "tok-example-0815";
const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n# example-kubeconfig-secret-marker\n";
const image = "registry.example.com/tools/busybox:1.36";
/** The namespace of the example's services: `<project>-<stack>`. */
const namespace = "berth-kubernetes-dev";
const types = {
  cluster: "berth:kubernetes:KubernetesCluster",
  workload: "berth:kubernetes:KubernetesWorkload",
  rollout: "pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout",
} as const;

/** Loads the example's program afresh from the build, as each `pulumi up` does. */
function kubernetesProgram(): unknown {
  return loadExample("kubernetes");
}

function run(preview: boolean, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(kubernetesProgram, {
    previous,
    project: "berth-kubernetes",
    stack: "dev",
    config: { image, apiToken, kubeconfig },
    secretConfig: ["apiToken", "kubeconfig"],
    preview,
    mockResource: kubernetesMockResource,
    mockDynamic: kubernetesMockDynamic,
  });
}

const ofType = (r: ProgramRun, type: string) =>
  r.resources.filter((x) => x.type === type).sort((a, b) => a.name.localeCompare(b.name));

/** The objects the engine would send to the API server, rebuilt from the recorded inputs. */
function kubernetesObjects(r: ProgramRun): object[] {
  return r.resources
    .filter((x) => x.type.startsWith("kubernetes:"))
    .map((x) => {
      const [, group, kind] = /^kubernetes:([^:]+):(.+)$/.exec(x.type) ?? [];
      const apiVersion = group.startsWith("core/") ? group.slice("core/".length) : group;
      return { apiVersion, kind, ...x.inputs };
    });
}

function assertGraph(r: ProgramRun) {
  assert.deepEqual(
    ofType(r, types.cluster).map((c) => c.name),
    ["berth"],
  );
  const workloads = ofType(r, types.workload);
  assert.deepEqual(
    workloads.map((w) => w.name),
    ["api", "web", "worker"],
  );
  for (const workload of workloads) {
    assert.equal(descendants(r, workload, t.deployment).length, 1, `${workload.name} has one Deployment`);
    assert.equal(descendants(r, workload, types.rollout).length, 1, `${workload.name}'s rollout is awaited`);
    assert.equal(
      descendants(r, workload, t.networkPolicy).length,
      1,
      `${workload.name} has its NetworkPolicy`,
    );
  }
  const loadBalancers = ofType(r, t.service).filter(
    (s) => (s.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer",
  );
  assert.deepEqual(
    loadBalancers.map((s) => (s.inputs.metadata as { name: string }).name),
    ["web-public"],
    "the only LoadBalancer is the web's",
  );
}

describe("examples/kubernetes under mocks", () => {
  it("previews the app on an existing cluster: three workloads, one LoadBalancer, secrets only in secrets", async () => {
    const r = await run(true);
    assertGraph(r);
    for (const secret of [apiToken, "example-kubeconfig-secret-marker"]) {
      assert.deepEqual(
        holders(r, secret).filter((h) => !h.secret),
        [],
        `${secret} is in no plain input`,
      );
    }
    assert.equal(
      r.resources.some((x) => x.custom && x.operation !== "create"),
      false,
    );
  });

  it("deploys valid objects into the stack's namespace, through a provider made from the kubeconfig", async () => {
    const r = await run(false);
    assertGraph(r);
    await assertValidKubernetesObjects(kubernetesObjects(r));
    const provider = r.byName("berth-provider", t.provider);
    assert.equal(provider.inputs.kubeconfig, kubeconfig);
    assert.ok(provider.secretInputs.includes("kubeconfig"), "the kubeconfig is a secret in state");
    const ns = r.byName("berth-namespace", t.namespace);
    assert.equal((ns.inputs.metadata as { name: string }).name, namespace);
    for (const x of r.resources.filter((y) => y.type.startsWith("kubernetes:") && y.type !== t.namespace)) {
      assert.equal(
        (x.inputs.metadata as { namespace?: string }).namespace,
        namespace,
        `${x.name}'s namespace`,
      );
    }
    const tokenHolders = holders(r, apiToken);
    assert.ok(tokenHolders.length >= 2, "the api's secret file and the worker's secret variable");
    for (const h of tokenHolders) {
      assert.match(h.at, /^kubernetes:core\/v1:Secret /, `${h.at} is a Secret`);
      assert.ok(h.secret, `${h.at} is secret in state`);
    }
    assert.equal(r.outputs.namespace, namespace);
    assert.deepEqual(r.outputs.services, { web: "web", api: "api", worker: "worker" });
    assert.equal(r.outputs.apiEndpoint, `api.${namespace}.svc.cluster.local:8080`);
    assert.match(String(r.outputs.url), /^http:\/\/[\d.]+:80\/$/, "web's LoadBalancer address");
    const cgi = ofType(r, t.configMap).flatMap((c) =>
      pathsHolding(c.inputs, `wget -qO- "http://api.${namespace}.svc.cluster.local:8080/"`),
    );
    assert.equal(cgi.length, 1, "the web's CGI script calls the api by its cluster DNS name");
  });

  it("shows no changes on a second preview after the up", async () => {
    const up = await run(false);
    const again = await run(true, up);
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
  });
});
