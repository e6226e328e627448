/**
 * KubernetesRollout through Pulumi's own dynamic-provider host: the serialized provider loads the real
 * @kubernetes/client-node and talks, through a kubeconfig, to a FAKE Kubernetes API server whose
 * controllers roll workloads out as each test scripts their pods.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { KubernetesRollout, type KubernetesRolloutArgs } from "../../provider/kubernetes/rollout-resource";
import { FakeKubernetes, type PodOutcome } from "../support/fake-kubernetes";
import { type ProgramRun, runProgram, unknownValue, failedRun } from "../support/harness";
import { untilTrue, withHostOutput } from "../support/host-output";

const rolloutType = "pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout";
const token = "tok-8d1f2a-must-stay-secret";
const labels = { "app.kubernetes.io/name": "web" };
const template = (image: string): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: "app", image, ports: [{ containerPort: 80 }] }] },
});

/** A resource of another provider, whose outputs a preview does not know. */
class Workload extends pulumi.CustomResource {
  declare readonly uid: pulumi.Output<string>;
  declare readonly podSpec: pulumi.Output<object>;
  constructor(name: string) {
    super("test:index:Workload", name, { uid: undefined, podSpec: undefined });
  }
}

/** Images and what their pods do; anything not listed becomes ready. */
let outcomes: Record<string, PodOutcome> = {};
let fake: FakeKubernetes;

async function startFake(): Promise<FakeKubernetes> {
  outcomes = {};
  fake = await FakeKubernetes.start({ token, outcome: (image) => outcomes[image] ?? "ready", stepMs: 50 });
  return fake;
}

afterEach(async () => {
  await fake?.stop();
});

function program(args: Partial<KubernetesRolloutArgs> & { uid: pulumi.Input<string> }) {
  return () => {
    const rollout = new KubernetesRollout("web", {
      kubeconfig: fake.kubeconfig(),
      namespace: "prod",
      kind: "Deployment",
      workload: "web",
      template: template("web:1"),
      failureAction: "rollback",
      timeoutSeconds: 20,
      ...args,
    });
    return { revision: rollout.revision };
  };
}

function liveImage(kind: "Deployment" | "DaemonSet" = "Deployment", name = "web"): string | undefined {
  return fake.workload(kind, "prod", name)?.spec?.template?.spec?.containers[0]?.image;
}

const patches = () => fake.requests.filter((r) => r.method === "PATCH");

/**
 * Nothing the run logged (above debug level: the SDK's own debug lines print registration responses
 * whole), and no error message, holds the kubeconfig's token; the kubeconfig is secret in state.
 */
function assertTokenHidden(run: ProgramRun, error?: Error): void {
  const logged = run.logs.filter((l) => l.severity !== "debug" && l.message.includes(token));
  assert.deepEqual(logged, [], "logs");
  assert.ok(!(error?.message ?? "").includes(token), "error message");
  const rollout = run.byName("web", rolloutType);
  assert.ok(rollout.secretOutputs.includes("kubeconfig"), "kubeconfig is a secret output");
  assert.ok(rollout.secretInputs.includes("kubeconfig"), "kubeconfig is a secret input");
}

/** Deploys web:1 and rolls it out through the resource: the state later runs start from. */
async function deployedAtRevisionOne(failureAction: "rollback" | "pause" = "rollback") {
  await startFake();
  const uid = fake.cluster.addDeployment({ namespace: "prod", name: "web", template: template("web:1") })
    .metadata!.uid!;
  const first = await runProgram(program({ uid, failureAction }));
  return { uid, first };
}

describe("KubernetesRollout through the dynamic-provider host", () => {
  it("waits for a rollout with progress messages, and keeps the kubeconfig secret", async () => {
    await startFake();
    const d = fake.cluster.addDeployment({ namespace: "prod", name: "web", template: template("web:2") });
    fake.cluster.hold();
    fake.applyTemplate("Deployment", "prod", "web", template("web:3"));
    const { result: run, output } = await withHostOutput(async () => {
      const running = runProgram(program({ uid: d.metadata!.uid!, template: template("web:3") }));
      // The rollout goes on once the provider watches it.
      await untilTrue(() => fake.requests.some((r) => r.path.endsWith("/pods")));
      fake.cluster.release();
      return running;
    });
    assert.equal(run.outputs.revision, 2);
    assert.equal((d as Deployment).status?.updatedReplicas, 2);
    // The host prints pulumi.log lines this way when it has no engine to send them to.
    assert.match(
      output,
      /info: \[runtime\] Deployment web \(namespace prod\): waiting for the Deployment controller to take up the new template/,
    );
    assert.ok(!output.includes(token), "printed output");
    assertTokenHidden(run);
    assert.deepEqual(patches(), [], "the live template was the desired one: nothing patched");
    assert.ok(fake.requests.length > 0 && fake.requests.every((r) => r.authorized));
    assert.deepEqual(fake.violations, []);
  });

  it("rolls a failed rollout back to the previous revision, naming the pods' reasons", async () => {
    const { uid, first } = await deployedAtRevisionOne();
    const original = structuredClone(fake.workload("Deployment", "prod", "web")!.spec!.template);
    outcomes["web:2"] = { waiting: "ImagePullBackOff", message: 'Back-off pulling image "web:2"' };
    fake.applyTemplate("Deployment", "prod", "web", template("web:2"));
    const err = await failedRun(
      runProgram(program({ uid, template: template("web:2") }), { previous: first }),
    );
    assert.match(err.message, /Deployment web \(namespace prod\): the rollout failed: /);
    assert.match(err.message, /container app ImagePullBackOff: Back-off pulling image "web:2" \(2 pods\)/);
    assert.match(err.message, /rolled back to revision 1/);
    // The template is the one revision 1 had, byte for byte: no pod-template-hash label left in it.
    assert.deepEqual(fake.workload("Deployment", "prod", "web")!.spec!.template, original);
    const [undo] = patches();
    assert.equal(undo?.contentType, "application/json-patch+json");
    assert.deepEqual((undo?.body as unknown[])[0], { op: "test", path: "/metadata/uid", value: uid });
    // The failed update kept the previous state, so the next update applies web:2 again.
    assert.deepEqual(err.run.byName("web", rolloutType).outputs.template, template("web:1"));
    assertTokenHidden(err.run, err);
    assert.deepEqual(fake.violations, []);

    // The image is pushed: the next update applies the template the rollback replaced, then waits.
    delete outcomes["web:2"];
    const fixed = await runProgram(program({ uid, template: template("web:2") }), { previous: err.run });
    assert.equal(liveImage(), "web:2");
    assert.equal(patches().length, 2);
    // Revision 3 was the rollback (revision 1's ReplicaSet taken up again); web:2's ReplicaSet is now 4.
    assert.equal(fixed.outputs.revision, 4);
  });

  it("leaves a failed rollout as it is with failureAction pause", async () => {
    const { uid, first } = await deployedAtRevisionOne("pause");
    outcomes["web:2"] = {
      waiting: "CrashLoopBackOff",
      message: "back-off 10s restarting failed container",
      lastExitCode: 2,
    };
    fake.applyTemplate("Deployment", "prod", "web", template("web:2"));
    const err = await failedRun(
      runProgram(program({ uid, template: template("web:2"), failureAction: "pause" }), { previous: first }),
    );
    assert.match(
      err.message,
      /CrashLoopBackOff: back-off 10s restarting failed container \(last exit code 2, Error\)/,
    );
    assert.match(err.message, /left as it is \(failureAction pause\)/);
    assert.doesNotMatch(err.message, /rolled back/);
    assert.equal(liveImage(), "web:2");
    assert.deepEqual(patches(), []);
  });

  it("fails on ProgressDeadlineExceeded with unschedulable pods, and rolls back", async () => {
    await startFake();
    const d = fake.cluster.addDeployment({
      namespace: "prod",
      name: "web",
      template: template("web:1"),
      progressDeadlineSeconds: 10,
    });
    const first = await runProgram(program({ uid: d.metadata!.uid! }));
    outcomes["web:big"] = "unschedulable";
    fake.applyTemplate("Deployment", "prod", "web", template("web:big"));
    const err = await failedRun(
      runProgram(program({ uid: d.metadata!.uid!, template: template("web:big") }), { previous: first }),
    );
    assert.match(err.message, /ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing/);
    assert.match(err.message, /Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\. \(2 pods\)/);
    assert.match(err.message, /rolled back to revision 1/);
    assert.equal(liveImage(), "web:1");
  });

  it("rolls a DaemonSet back to its previous ControllerRevision", async () => {
    await startFake();
    const ds = fake.cluster.addDaemonSet({ namespace: "prod", name: "agent", template: template("agent:1") });
    const args = {
      uid: ds.metadata!.uid!,
      kind: "DaemonSet" as const,
      workload: "agent",
      template: template("agent:1"),
    };
    const first = await runProgram(program(args));
    assert.equal(first.outputs.revision, 1);
    outcomes["agent:2"] = { waiting: "InvalidImageName", message: 'couldn\'t parse image name "agent:2"' };
    fake.applyTemplate("DaemonSet", "prod", "agent", template("agent:2"));
    const err = await failedRun(
      runProgram(program({ ...args, template: template("agent:2") }), { previous: first }),
    );
    assert.match(
      err.message,
      /^[^]*DaemonSet agent \(namespace prod\): the rollout failed: [^]*InvalidImageName/,
    );
    assert.match(err.message, /rolled back to revision 1/);
    assert.equal(liveImage("DaemonSet", "agent"), "agent:1");
    const pods = fake.cluster.pods.filter((p) => p.metadata?.ownerReferences?.[0]?.uid === ds.metadata!.uid);
    assert.deepEqual(
      pods.map((p) => p.spec?.containers[0]?.image),
      ["agent:1", "agent:1"],
    );
    assert.deepEqual(fake.violations, []);
  });

  it("refuses a kubeconfig that reaches another object, before changing anything", async () => {
    await startFake();
    fake.cluster.addDeployment({ namespace: "prod", name: "web", template: template("web:1") });
    const err = await failedRun(
      runProgram(program({ uid: "0b1e7e57-uid-of-another-cluster", template: template("web:9") })),
    );
    assert.match(
      err.message,
      /Deployment web \(namespace prod\) in the cluster the kubeconfig reaches has uid [\w-]+, not 0b1e7e57-uid-of-another-cluster/,
    );
    assert.deepEqual(patches(), []);
    assert.equal(liveImage(), "web:1");
  });

  it("never puts a broken kubeconfig's text into the error", async () => {
    await startFake();
    const uid = fake.cluster.addDeployment({ namespace: "prod", name: "web", template: template("web:1") })
      .metadata!.uid!;
    const broken = `clusters: [\n  token: ${token}`;
    const err = await failedRun(runProgram(program({ uid, kubeconfig: broken })));
    assert.match(err.message, /kubeconfig is not valid YAML or JSON/);
    assert.ok(!err.message.includes(token));
    assertTokenHidden(err.run, err);
  });

  it("previews with inputs not known yet without calling the API server", async () => {
    const { uid, first } = await deployedAtRevisionOne();
    const requestsBefore = fake.requests.length;
    // The workload's UID comes from a resource that does not exist yet.
    const fresh = await runProgram(
      () => {
        const workload = new Workload("other");
        return program({ uid: workload.uid })();
      },
      { preview: true },
    );
    const created = fresh.byName("web", rolloutType);
    assert.equal(created.operation, "create");
    assert.equal(created.programInputs.uid, unknownValue);
    const changed = await runProgram(program({ uid, template: template("web:2") }), {
      preview: true,
      previous: first,
    });
    assert.equal(changed.byName("web", rolloutType).operation, "update");
    assert.equal(fake.requests.length, requestsBefore, "a preview calls no API");
  });

  it("previews a template whose pod spec is not known yet, then checks it once it is", async () => {
    const { uid, first } = await deployedAtRevisionOne();
    const requestsBefore = fake.requests.length;
    // The pod spec comes from a resource that does not exist yet: the whole spec is unknown.
    const unknownSpec = () => {
      const workload = new Workload("other");
      return program({ uid, template: { metadata: { labels }, spec: workload.podSpec } })();
    };
    const preview = await runProgram(unknownSpec, { preview: true, previous: first });
    const rollout = preview.byName("web", rolloutType);
    assert.equal(rollout.operation, "update");
    assert.deepEqual(rollout.programInputs.template, { metadata: { labels }, spec: unknownValue });
    assert.equal(fake.requests.length, requestsBefore, "a preview calls no API");
    // Known, a spec without containers is still refused at check, naming the field.
    const err = await failedRun(
      runProgram(program({ uid, template: { metadata: { labels }, spec: { containers: [] } } }), {
        previous: first,
      }),
    );
    assert.match(err.message, /template: must be a pod template with spec.containers/);
  });
});
