/**
 * A tenant's Argo CD project: an AppProject named after the tenant that Argo CD's CRD accepts, whose
 * Applications may deploy only from the tenant's repositories and only to its namespaces; and refused on
 * a swarm, naming the field.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesCluster, type ArgoCdConnection } from "../../components/kubernetes";
import { LocalSwarm } from "../../components/swarm";
import { Tenant, TenantArgumentsError } from "../../components/tenant";
import { crdValidator } from "../support/crd-schema";
import { runProgram } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { swarmServiceOutputs } from "../support/swarm-mocks";

const validAppProject = crdValidator("argoproj.io_appprojects.yaml", "v1alpha1");
const repository = "https://git.example.com/payments/deploy.git";

function argoCd(): ArgoCdConnection {
  return {
    namespace: pulumi.output("argocd"),
    provider: new k8s.Provider("argo-cluster", { kubeconfig: "kubeconfig" }),
    applicationNamespaces: [],
    ready: [],
  };
}

describe("a tenant's GitOps project", () => {
  it("limits the tenant's Applications to its repositories and its namespaces, in a project of its own", async () => {
    const run = await runProgram(
      () => {
        const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content" });
        new Tenant("payments", {
          cluster,
          namespaces: ["payments", "payments-batch"],
          gitops: { argoCd: argoCd(), repositories: [{ url: repository }] },
        });
      },
      {
        mockResource: kubernetesMockResource,
        mockDynamic: kubernetesMockDynamic,
        project: "shop",
        stack: "prod",
      },
    );
    const project = run.resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:AppProject");
    assert.ok(project, "an AppProject");
    assert.deepEqual(validAppProject(project.inputs), []);
    const { metadata, spec } = project.inputs as {
      metadata: { name: string; namespace: string };
      spec: { sourceRepos: string[]; destinations: { namespace: string; server: string }[] };
    };
    assert.deepEqual([metadata.name, metadata.namespace], ["payments", "argocd"]);
    assert.deepEqual(spec.sourceRepos, [repository]);
    assert.deepEqual(
      spec.destinations.map((d) => d.namespace),
      ["payments", "payments-batch"],
    );
  });

  it("is refused on a swarm, naming gitops", async () => {
    let caught: unknown;
    await runProgram(
      () => {
        const cluster = new LocalSwarm("local");
        try {
          new Tenant("payments", {
            cluster,
            gitops: { argoCd: argoCd(), repositories: [{ url: repository }] },
          });
        } catch (error) {
          caught = error;
        }
      },
      { mockDynamic: swarmServiceOutputs },
    );
    assert.ok(caught instanceof TenantArgumentsError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["gitops"],
    );
  });
});
