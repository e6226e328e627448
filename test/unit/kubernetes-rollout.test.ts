import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import { loadKubeConfig } from "../../provider/kubernetes/kube-config";
import { summarizeProblems } from "../../provider/kubernetes/pod-problems";
import { type RolloutInputs, rolloutProvider } from "../../provider/kubernetes/rollout";
import {
  daemonSetRollout,
  deploymentRollout,
  type RolloutState,
} from "../../provider/kubernetes/rollout-state";
import { daemonSetUndo, deploymentUndo } from "../../provider/kubernetes/rollout-undo";
import { waitForRollout } from "../../provider/kubernetes/rollout-wait";
import { templateMatches } from "../../provider/kubernetes/template-match";
import { selectorQuery } from "../../provider/kubernetes/workload-api";
import { unknownValue } from "../../provider/shared/unknowns";

const labels = { "app.kubernetes.io/name": "web" };
const template = (image: string): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: "app", image }] },
});
const owner = (kind: string, uid: string) => [
  { apiVersion: "apps/v1", kind, name: "web", uid, controller: true },
];

function replicaSet(uid: string, revision: number, image: string, deploymentUid = "d-1"): ReplicaSet {
  const hashed = template(image);
  return {
    metadata: {
      name: `web-${uid}`,
      uid,
      creationTimestamp: `2024-01-0${revision}T00:00:00Z`,
      annotations: { "deployment.kubernetes.io/revision": String(revision) },
      ownerReferences: owner("Deployment", deploymentUid),
    },
    spec: {
      selector: { matchLabels: labels },
      template: { ...hashed, metadata: { labels: { ...labels, "pod-template-hash": uid } } },
    },
  };
}

function deployment(image: string, status: Deployment["status"], generation = 2): Deployment {
  return {
    metadata: { name: "web", uid: "d-1", generation },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: template(image), minReadySeconds: 10 },
    status,
  };
}

function pod(
  ownerUid: string,
  state: Record<string, unknown>,
  extra: Partial<Pod["status"]> = {},
  hash?: string,
): Pod {
  return {
    metadata: {
      name: `web-${Math.random().toString(36).slice(2, 7)}`,
      labels: hash ? { ...labels, "controller-revision-hash": hash } : labels,
      ownerReferences: owner("ReplicaSet", ownerUid),
    },
    status: {
      containerStatuses: [{ name: "app", image: "x", imageID: "", ready: false, restartCount: 0, state }],
      ...extra,
    },
  };
}

const pullBackOff = { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "web:2"' } };
const rolling = { observedGeneration: 2, replicas: 4, updatedReplicas: 2, availableReplicas: 2 };
const history = [replicaSet("rs1", 1, "web:1"), replicaSet("rs2", 2, "web:2")];

describe("pod problems", () => {
  it("counts pods per problem and tells definite failures from transient ones", () => {
    const crash = {
      waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting" },
    };
    const crashing = pod("rs2", crash);
    crashing.status!.containerStatuses![0]!.lastState = { terminated: { exitCode: 3, reason: "Error" } };
    const summary = summarizeProblems([pod("rs2", pullBackOff), pod("rs2", pullBackOff), crashing]);
    assert.deepEqual(summary.lines, [
      'container app ImagePullBackOff: Back-off pulling image "web:2" (2 pods)',
      "container app CrashLoopBackOff: back-off 10s restarting (last exit code 3, Error) (1 pod)",
    ]);
    assert.equal(summary.definite, true);
    const transient = summarizeProblems([
      pod("rs2", { waiting: { reason: "ErrImagePull" } }),
      pod("rs2", { waiting: { reason: "ContainerCreating" } }),
      {
        metadata: {},
        status: {
          conditions: [
            { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" },
          ],
        },
      },
    ]);
    assert.deepEqual(transient.lines, [
      "container app ErrImagePull (1 pod)",
      "Unschedulable: 0/3 nodes (1 pod)",
    ]);
    assert.equal(transient.definite, false);
  });
});

describe("Deployment rollout state", () => {
  it("waits while the controller has not observed the new generation", () => {
    const state = deploymentRollout(deployment("web:2", { ...rolling, observedGeneration: 1 }), history, []);
    assert.equal(state.phase, "progressing");
    assert.match(state.progress, /take up the new template/);
  });

  it("fails on a definite problem of the new ReplicaSet's pods, ignoring the old ones'", () => {
    const d = deployment("web:2", rolling);
    const failed = deploymentRollout(d, history, [pod("rs2", pullBackOff), pod("rs1", { running: {} })]);
    assert.deepEqual(failed, {
      phase: "failed",
      progress: "2 old replicas are pending termination",
      problems: ['container app ImagePullBackOff: Back-off pulling image "web:2" (1 pod)'],
    });
    // The same problem on a pod of the old ReplicaSet is not this rollout's.
    assert.equal(deploymentRollout(d, history, [pod("rs1", pullBackOff)]).phase, "progressing");
  });

  it("fails on ProgressDeadlineExceeded, with the controller's message", () => {
    const conditions = [
      { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "timed out" },
    ];
    const state = deploymentRollout(deployment("web:2", { ...rolling, conditions }), history, []);
    assert.equal(state.phase, "failed");
    assert.deepEqual((state as { problems: string[] }).problems, ["ProgressDeadlineExceeded: timed out"]);
  });

  it("reports availability with minReadySeconds, then completes", () => {
    const waiting = deploymentRollout(
      deployment("web:2", { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      history,
      [],
    );
    assert.equal(
      waiting.progress,
      "1 of 2 updated replicas are available (a pod counts once ready for 10 s: minReadySeconds)",
    );
    const done = deploymentRollout(
      deployment("web:2", { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      history,
      [],
    );
    assert.deepEqual(done, { phase: "complete", progress: "2 of 2 replicas updated and available" });
  });
});

describe("DaemonSet rollout state", () => {
  const ds = (status: DaemonSet["status"], strategy = "RollingUpdate"): DaemonSet => ({
    metadata: { name: "agent", uid: "ds-1", generation: 3 },
    spec: {
      selector: { matchLabels: labels },
      template: template("agent:2"),
      updateStrategy: { type: strategy },
    },
    status,
  });
  const revision = (n: number, hash: string): ControllerRevision => ({
    metadata: {
      name: `agent-${hash}`,
      labels: { "controller-revision-hash": hash },
      ownerReferences: owner("DaemonSet", "ds-1"),
    },
    revision: n,
    data: { spec: { template: { ...template(`agent:${n}`), $patch: "replace" } } },
  });
  const revisions = [revision(1, "h1"), revision(2, "h2")];
  const dsPod = (hash: string, state: Record<string, unknown>) => {
    const p = pod("ds-1", state, {}, hash);
    (p.metadata as { ownerReferences: unknown }).ownerReferences = owner("DaemonSet", "ds-1");
    return p;
  };
  const status = {
    observedGeneration: 3,
    desiredNumberScheduled: 3,
    updatedNumberScheduled: 1,
    numberAvailable: 2,
    currentNumberScheduled: 3,
    numberMisscheduled: 0,
    numberReady: 2,
  };

  it("fails on the current revision's pods only", () => {
    assert.equal(daemonSetRollout(ds(status), revisions, [dsPod("h1", pullBackOff)]).phase, "progressing");
    const failed = daemonSetRollout(ds(status), revisions, [dsPod("h2", pullBackOff)]);
    assert.equal(failed.phase, "failed");
    assert.equal(failed.progress, "1 of 3 new pods have been updated");
  });

  it("completes when every pod is updated and available, and does not wait on OnDelete", () => {
    const done = { ...status, updatedNumberScheduled: 3, numberAvailable: 3 };
    assert.equal(daemonSetRollout(ds(done), revisions, []).phase, "complete");
    assert.equal(
      daemonSetRollout(ds({ ...status, observedGeneration: 1 }), revisions, []).phase,
      "progressing",
    );
    assert.equal(daemonSetRollout(ds(status, "OnDelete"), revisions, []).phase, "complete");
  });

  it("undoes to the previous ControllerRevision's template, without the $patch directive", () => {
    const plan = daemonSetUndo(ds(status), [
      revision(3, "h3"),
      ...revisions,
      { ...revision(9, "other"), metadata: { ownerReferences: owner("DaemonSet", "x") } },
    ]);
    assert.ok("revision" in plan);
    assert.equal(plan.revision, 2);
    assert.deepEqual(plan.patch, [
      { op: "test", path: "/metadata/uid", value: "ds-1" },
      { op: "replace", path: "/spec/template", value: template("agent:2") },
    ]);
    assert.deepEqual(daemonSetUndo(ds(status), [revision(1, "h1")]), {
      refusal: "it has no earlier revision to roll back to",
    });
  });
});

describe("Deployment undo", () => {
  it("restores the second-highest revision's template without the hash label, guarded by the UID", () => {
    const foreign = replicaSet("rs9", 9, "other:1", "d-other");
    const plan = deploymentUndo(deployment("web:3", rolling), [
      replicaSet("rs1", 1, "web:1"),
      replicaSet("rs2", 2, "web:2"),
      replicaSet("rs3", 3, "web:3"),
      foreign,
    ]);
    assert.ok("revision" in plan);
    assert.equal(plan.revision, 2);
    assert.deepEqual(plan.template, template("web:2"));
    assert.deepEqual(plan.patch, [
      { op: "test", path: "/metadata/uid", value: "d-1" },
      { op: "replace", path: "/spec/template", value: template("web:2") },
    ]);
  });

  it("refuses without an earlier revision, and for a paused Deployment", () => {
    assert.deepEqual(deploymentUndo(deployment("web:1", rolling), [replicaSet("rs1", 1, "web:1")]), {
      refusal: "it has no earlier revision to roll back to",
    });
    const paused = deployment("web:2", rolling);
    (paused.spec as { paused?: boolean }).paused = true;
    assert.match((deploymentUndo(paused, history) as { refusal: string }).refusal, /paused/);
  });
});

describe("template comparison", () => {
  it("accepts the API server's defaults and notices a changed or missing value", () => {
    const live = {
      metadata: { creationTimestamp: null, labels },
      spec: {
        dnsPolicy: "ClusterFirst",
        containers: [{ name: "app", image: "web:1", imagePullPolicy: "IfNotPresent", resources: {} }],
      },
    };
    assert.equal(templateMatches(template("web:1"), live), true);
    assert.equal(templateMatches(template("web:2"), live), false);
    const twoContainers = template("web:1");
    twoContainers.spec!.containers.push({ name: "sidecar", image: "s:1" });
    assert.equal(templateMatches(twoContainers, live), false);
  });
});

describe("waiting for a rollout", () => {
  const states = (list: RolloutState[]) => {
    let i = 0;
    return async () => list[Math.min(i++, list.length - 1)]!;
  };
  const progressing = (progress: string, problems: string[] = []): RolloutState => ({
    phase: "progressing",
    progress,
    problems,
  });

  it("reports each new progress line once and ends with the outcome", async () => {
    const lines: string[] = [];
    const outcome = await waitForRollout(
      states([
        progressing("0 of 2"),
        progressing("0 of 2"),
        progressing("1 of 2", ["container app ErrImagePull (1 pod)"]),
        { phase: "complete", progress: "2 of 2" },
      ]),
      { timeoutMs: 5000, pollMs: 1, progress: (l) => lines.push(l) },
    );
    assert.deepEqual(outcome, { phase: "complete", progress: "2 of 2" });
    assert.deepEqual(lines, ["0 of 2", "1 of 2; container app ErrImagePull (1 pod)"]);
  });

  it("fails at the timeout with the last progress and problems", async () => {
    const outcome = await waitForRollout(
      states([progressing("1 of 2 updated replicas are available", ["Unschedulable: 0/3 nodes (1 pod)"])]),
      {
        timeoutMs: 30,
        pollMs: 5,
      },
    );
    assert.deepEqual(outcome, {
      phase: "failed",
      progress: "1 of 2 updated replicas are available",
      problems: [
        "the rollout did not complete within 0 s (1 of 2 updated replicas are available)",
        "Unschedulable: 0/3 nodes (1 pod)",
      ],
    });
  });
});

describe("label selectors", () => {
  it("writes matchLabels and matchExpressions in the API's query form", () => {
    assert.equal(
      selectorQuery({
        matchLabels: { app: "web", tier: "front" },
        matchExpressions: [
          { key: "env", operator: "In", values: ["a", "b"] },
          { key: "canary", operator: "DoesNotExist" },
        ],
      }),
      "app=web,tier=front,env in (a,b),!canary",
    );
  });
});

const inputs: RolloutInputs = {
  namespace: "prod",
  kind: "Deployment",
  workload: "web",
  uid: "d-1",
  template: template("web:1"),
  failureAction: "rollback",
  timeoutSeconds: 300,
};

describe("rollout provider check and diff", () => {
  it("names every bad field and passes values not known yet", async () => {
    const bad = {
      ...inputs,
      namespace: "Prod_1",
      kind: "Job",
      workload: "",
      template: { spec: { containers: [] } },
      failureAction: "continue",
      timeoutSeconds: 0,
      kubeconfig: "",
    };
    const { failures } = await rolloutProvider.check!({}, bad);
    assert.deepEqual(
      failures!.map((f) => f.property),
      ["kubeconfig", "namespace", "kind", "workload", "template", "failureAction", "timeoutSeconds"],
    );
    const unknowns = Object.fromEntries(Object.keys(bad).map((k) => [k, unknownValue]));
    assert.deepEqual((await rolloutProvider.check!({}, unknowns)).failures, []);
    const unknownContainers = { ...inputs, template: { spec: { containers: unknownValue } } };
    assert.deepEqual((await rolloutProvider.check!({}, unknownContainers)).failures, []);
    const unknownSpec = { ...inputs, template: { metadata: { labels: {} }, spec: unknownValue } };
    assert.deepEqual((await rolloutProvider.check!({}, unknownSpec)).failures, []);
    for (const spec of ["not a spec", [], {}, null]) {
      const { failures: refused } = await rolloutProvider.check!({}, { ...inputs, template: { spec } });
      assert.deepEqual(
        refused!.map((f) => f.property),
        ["template"],
        JSON.stringify(spec),
      );
    }
  });

  it("replaces on a known new UID, updates on a new template or unknown one, and keeps an equal state", async () => {
    const olds = { ...inputs, revision: 1 };
    assert.deepEqual(await rolloutProvider.diff!("d-1", olds, { ...inputs, uid: "d-2" }), {
      changes: true,
      replaces: ["uid"],
    });
    assert.deepEqual(await rolloutProvider.diff!("d-1", olds, { ...inputs, template: template("web:2") }), {
      changes: true,
      replaces: [],
    });
    assert.deepEqual(
      await rolloutProvider.diff!("d-1", olds, { ...inputs, uid: unknownValue, template: unknownValue }),
      { changes: true, replaces: [] },
    );
    assert.deepEqual(await rolloutProvider.diff!("d-1", olds, { ...inputs }), {
      changes: false,
      replaces: [],
    });
  });
});

describe("kubeconfig loading", () => {
  it("never quotes the kubeconfig in its errors", async () => {
    const secret = "token: SUPER-SECRET-TOKEN";
    await assert.rejects(loadKubeConfig({ kubeconfig: `clusters: [a\n${secret}` }), (err: Error) => {
      assert.match(err.message, /^kubeconfig is not valid YAML or JSON at line 2/);
      assert.doesNotMatch(err.message, /SUPER-SECRET/);
      return true;
    });
  });

  it("names the contexts a kubeconfig has when the one asked for is missing", async () => {
    const kubeconfig = JSON.stringify({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443" } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "main", context: { cluster: "c", user: "u" } }],
    });
    await assert.rejects(loadKubeConfig({ kubeconfig, context: "prod" }), {
      message: 'context: the kubeconfig has no context "prod" (it has main)',
    });
    await assert.rejects(loadKubeConfig({ kubeconfig }), /no current context/);
    const config = await loadKubeConfig({ kubeconfig, context: "main" });
    assert.equal(config.getCurrentCluster()?.server, "https://127.0.0.1:6443");
  });
});
