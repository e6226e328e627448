/** examples/gitops under mocks: Argo CD, the team's project, and its two Applications, valid for Argo CD. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { crdValidator } from "../support/crd-schema";
import { loadExample } from "../support/example-program";
import { runProgram } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const types = {
  release: "kubernetes:helm.sh/v3:Release",
  project: "kubernetes:argoproj.io/v1alpha1:AppProject",
  application: "kubernetes:argoproj.io/v1alpha1:Application",
  secret: "kubernetes:core/v1:Secret",
} as const;
const deployToken = "example-deploy-token-6b1e";

describe("examples/gitops under mocks", () => {
  it("installs Argo CD and gives the team a project and two Applications Argo CD accepts", async () => {
    const run = await runProgram(() => loadExample("gitops"), {
      project: "berth-gitops",
      stack: "dev",
      config: { deployToken, kubeconfig: "apiVersion: v1\nkind: Config\n" },
      secretConfig: ["deployToken", "kubeconfig"],
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
    });
    assert.equal(run.resources.filter((r) => r.type === types.release).length, 1);
    const validProject = crdValidator("argoproj.io_appprojects.yaml", "v1alpha1");
    const validApplication = crdValidator("argoproj.io_applications.yaml", "v1alpha1");
    assert.deepEqual(validProject(run.byName("shop-project", types.project).inputs), []);
    const apps = run.resources.filter((r) => r.type === types.application);
    assert.deepEqual(apps.map((a) => a.name).sort(), ["podinfo-application", "web-application"]);
    for (const app of apps) {
      assert.deepEqual(validApplication(app.inputs), [], app.name);
      assert.equal((app.inputs.spec as { project: string }).project, "shop");
    }
    const credentials = run.resources.find(
      (r) => r.type === types.secret && JSON.stringify(r.inputs).includes(deployToken),
    );
    assert.ok(credentials?.secretInputs.includes("stringData"), "the token is kept secret");
    const manifests = parseAllDocuments(run.outputs.webManifests as string).map((d) => d.toJSON() as object);
    assert.ok(manifests.some((m) => (m as { kind: string }).kind === "Deployment"));
    await assertValidKubernetesObjects(manifests);
    assert.match(
      run.outputs.argoCdServerUrl as string,
      /^https:\/\/argocd-server\.argocd\.svc\.cluster\.local$/,
    );
  });
});
