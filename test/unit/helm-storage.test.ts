/**
 * Helm's release records as its Secret storage keeps them, the workloads of a release's manifest, the
 * values digest that matches a record to a program's values, and a StatefulSet's rollout state.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "zlib";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import {
  canonicalValues,
  decodeReleaseRecord,
  manifestWorkloads,
} from "../../provider/kubernetes/helm-storage";
import { valuesDigest } from "../../provider/kubernetes/helm-watch";
import { statefulSetRollout } from "../../provider/kubernetes/rollout-state";

/** `data.release` as the API returns it: base64 of Helm's base64 of gzip of the JSON. */
function secretData(release: object, gzip = true): string {
  const json = Buffer.from(JSON.stringify(release));
  const helmText = (gzip ? gzipSync(json) : json).toString("base64");
  return Buffer.from(helmText).toString("base64");
}

describe("Helm release records", () => {
  const release = {
    name: "shop",
    version: 3,
    info: { status: "pending-upgrade", description: "Preparing upgrade" },
    chart: { metadata: { name: "shop", version: "1.2.0" } },
    config: { image: { tag: "2" } },
    manifest: "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n",
  };

  it("decodes a record, compressed or not", () => {
    for (const gzip of [true, false])
      assert.deepEqual(decodeReleaseRecord(secretData(release, gzip)), {
        revision: 3,
        status: "pending-upgrade",
        description: "Preparing upgrade",
        chartVersion: "1.2.0",
        config: { image: { tag: "2" } },
        manifest: release.manifest,
      });
  });

  it("reads a record without user values as empty values", () => {
    assert.deepEqual(decodeReleaseRecord(secretData({ ...release, config: null })).config, {});
  });

  it("finds the Deployments, DaemonSets and StatefulSets of a manifest, in their namespaces", () => {
    const manifest = [
      "---\n# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: data\n",
      "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n",
      "---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: ancient\n",
      "---\n# an empty document\n",
    ].join("");
    assert.deepEqual(manifestWorkloads(manifest, "apps"), [
      { kind: "Deployment", namespace: "apps", name: "web" },
      { kind: "StatefulSet", namespace: "data", name: "db" },
      { kind: "DaemonSet", namespace: "apps", name: "agent" },
    ]);
  });

  it("matches values whatever their key order, and without the nulls Helm or the provider may drop", () => {
    assert.equal(valuesDigest({ b: 1, a: { y: "x", z: null } }), valuesDigest({ a: { y: "x" }, b: 1 }));
    assert.notEqual(valuesDigest({ a: 1 }), valuesDigest({ a: 2 }));
    assert.notEqual(valuesDigest({ list: [1, 2] }), valuesDigest({ list: [2, 1] }), "lists keep their order");
    assert.equal(canonicalValues(undefined), "{}");
  });
});

describe("a StatefulSet's rollout", () => {
  const uid = "sts-uid";
  const sts = (status: StatefulSet["status"], spec: Partial<StatefulSet["spec"]> = {}): StatefulSet =>
    ({
      metadata: { name: "db", uid, generation: 2 },
      spec: { replicas: 3, selector: {}, serviceName: "db", template: {}, ...spec },
      status,
    }) as StatefulSet;
  const pod = (revision: string, waiting?: string): Pod =>
    ({
      metadata: {
        ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid, controller: true }],
        labels: { "controller-revision-hash": revision },
      },
      status: waiting
        ? {
            containerStatuses: [
              {
                name: "db",
                image: "db",
                imageID: "",
                ready: false,
                restartCount: 3,
                state: { waiting: { reason: waiting } },
              },
            ],
          }
        : {},
    }) as Pod;

  it("waits for the controller, then for the pods above the partition, then for every replica ready", () => {
    assert.equal(statefulSetRollout(sts({ replicas: 3, observedGeneration: 1 }), []).phase, "progressing");
    const updating = statefulSetRollout(
      sts({ replicas: 3, observedGeneration: 2, updatedReplicas: 1, readyReplicas: 3, updateRevision: "r2" }),
      [],
    );
    assert.equal(updating.progress, "1 of 3 new pods have been updated");
    const partitioned = statefulSetRollout(
      sts(
        { replicas: 3, observedGeneration: 2, updatedReplicas: 1, readyReplicas: 3, updateRevision: "r2" },
        { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } },
      ),
      [],
    );
    assert.equal(partitioned.phase, "complete", "only the pods at or above the partition are updated");
    const done = statefulSetRollout(
      sts({ replicas: 3, observedGeneration: 2, updatedReplicas: 3, readyReplicas: 3, updateRevision: "r2" }),
      [],
    );
    assert.equal(done.phase, "complete");
  });

  it("fails as soon as a pod of the update revision cannot start, naming its reason", () => {
    const state = statefulSetRollout(
      sts({ replicas: 3, observedGeneration: 2, updatedReplicas: 1, readyReplicas: 2, updateRevision: "r2" }),
      [pod("r1"), pod("r1", "CrashLoopBackOff"), pod("r2", "ImagePullBackOff")],
    );
    assert.equal(state.phase, "failed");
    assert.deepEqual(state.phase === "failed" && state.problems, ["container db ImagePullBackOff (1 pod)"]);
  });
});
