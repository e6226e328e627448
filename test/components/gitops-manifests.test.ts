/**
 * Pull delivery: the manifests `renderKubernetesManifests` writes for a repository are the objects a
 * `ContainerService` creates on a `KubernetesCluster` (under mocks), and `berth render` prints them too.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { renderedText } from "../../cli/render";
import { ContainerService } from "../../components";
import { KubernetesCluster, renderKubernetesManifests } from "../../components/kubernetes";
import { normalizeService } from "../../components/spec/normalize";
import { renderKubernetes } from "../../components/spec/render/kubernetes";
import type { ServiceInput } from "../../components/spec/types";
import { runProgram } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const web = {
  image: "registry.example.com/shop/web:1.4.0",
  ports: [{ target: 8080, published: 80 }],
  replicas: 3,
  env: { LOG_LEVEL: "info" },
} satisfies ServiceInput;

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: unknown };
const documents = (text: string) => parseAllDocuments(text).map((d) => d.toJSON() as Doc);

describe("renderKubernetesManifests", () => {
  it("writes the objects a ContainerService creates on a KubernetesCluster, valid Kubernetes", async () => {
    // A stack names its services part of `<project>-<stack>`; the manifests say the same.
    const docs = documents(renderKubernetesManifests("web", web, { namespace: "shop", partOf: "shop-prod" }));
    await assertValidKubernetesObjects(docs);
    const run = await runProgram(
      () => {
        const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig", namespace: "shop" });
        new ContainerService("web", { cluster, ...web });
      },
      {
        mockResource: kubernetesMockResource,
        mockDynamic: kubernetesMockDynamic,
        project: "shop",
        stack: "prod",
      },
    );
    const pushed = run.resources.filter(
      (r) => r.custom && r.type.startsWith("kubernetes:") && !/Namespace|providers/.test(r.type),
    );
    const kinds = (list: string[]) => [...list].sort();
    assert.deepEqual(
      kinds(docs.map((d) => d.kind)),
      kinds(pushed.map((r) => r.type.split(":").at(-1) ?? "")),
      "the same kinds of object",
    );
    for (const doc of docs) {
      const twin = pushed.find(
        (r) =>
          r.type.endsWith(`:${doc.kind}`) &&
          (r.inputs.metadata as Doc["metadata"]).name === doc.metadata.name,
      );
      assert.ok(twin, `${doc.kind} ${doc.metadata.name} is created by the ContainerService too`);
      assert.equal(doc.metadata.namespace, "shop", doc.kind);
      assert.deepEqual(doc.spec, twin.inputs.spec, `${doc.kind}'s spec`);
    }
  });

  it("leaves the namespace to whatever applies the manifests when none is given", () => {
    const docs = documents(renderKubernetesManifests("web", web));
    assert.ok(docs.length > 0);
    for (const doc of docs) assert.equal(doc.metadata.namespace, undefined, doc.kind);
  });

  it("refuses to write secret values into a repository unless told to leave their Secret out", () => {
    const withSecret = { ...web, secretEnv: { DB_PASSWORD: "pw-db-123" } };
    assert.throws(
      () => renderKubernetesManifests("web", withSecret),
      /secretEnv: DB_PASSWORD would be written in clear text/,
    );
    const text = renderKubernetesManifests("web", withSecret, { secretEnv: "omit" });
    assert.ok(!text.includes("pw-db-123"));
    assert.ok(!documents(text).some((d) => d.kind === "Secret"));
    assert.match(text, /name: web-env/, "the pods still read the Secret made by other means");
  });

  it("is the text `berth render --target kubernetes` prints for the service", () => {
    const normalized = normalizeService("web", web);
    const cli = renderedText("kubernetes", [
      { name: "web", normalized, rendered: { target: "kubernetes", objects: renderKubernetes(normalized) } },
    ]);
    assert.equal(renderKubernetesManifests("web", web), cli);
  });
});
