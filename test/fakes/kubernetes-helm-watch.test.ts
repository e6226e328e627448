/**
 * HelmReleaseWatch through Pulumi's own dynamic-provider host, beside a FAKE Helm that installs and
 * upgrades a release as `helm upgrade --install --wait --atomic` does: its records in Helm's Secret
 * storage and its Deployments, on a FAKE Kubernetes API server whose controllers roll them out as each
 * test scripts their pods. The watch reads the cluster through the real @kubernetes/client-node.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { HelmReleaseWatch, type HelmReleaseWatchArgs } from "../../provider/kubernetes/helm-watch-resource";
import { valuesDigest } from "../../provider/kubernetes/helm-watch";
import { FakeHelm } from "../support/fake-helm";
import { FakeKubernetes, type PodOutcome } from "../support/fake-kubernetes";
import { type ProgramRun, runProgram, unknownValue, failedRun } from "../support/harness";
import { untilTrue, withHostOutput } from "../support/host-output";

const watchType = "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch";
const token = "tok-5c2e91-helm-must-stay-secret";

let outcomes: Record<string, PodOutcome> = {};
let fake: FakeKubernetes;
let helm: FakeHelm;

async function startFake(): Promise<void> {
  outcomes = {};
  fake = await FakeKubernetes.start({ token, outcome: (image) => outcomes[image] ?? "ready", stepMs: 50 });
  helm = new FakeHelm(fake, "apps", "shop");
}

afterEach(async () => {
  await fake?.stop();
});

/** A resource of another provider, whose outputs a preview does not know. */
class Values extends pulumi.CustomResource {
  declare readonly digest: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Values", name, { digest: undefined });
  }
}

function program(values: object, args: Partial<HelmReleaseWatchArgs> = {}) {
  return () => {
    const watch = new HelmReleaseWatch("shop-watch", {
      kubeconfig: fake.kubeconfig(),
      namespace: "apps",
      release: "shop",
      chartVersion: "1.2.0",
      valuesDigest: valuesDigest(values),
      timeoutSeconds: 30,
      startSeconds: 10,
      ...args,
    });
    return { revision: watch.revision };
  };
}

function assertTokenHidden(run: ProgramRun, error?: Error): void {
  const logged = run.logs.filter((l) => l.severity !== "debug" && l.message.includes(token));
  assert.deepEqual(logged, [], "logs");
  assert.ok(!(error?.message ?? "").includes(token), "error message");
  const watch = run.byName("shop-watch", watchType);
  assert.ok(watch.secretInputs.includes("kubeconfig") && watch.secretOutputs.includes("kubeconfig"));
}

const web = (image: string) => [{ name: "web", image, replicas: 2 }];
const v1 = { image: { tag: "1" } };
const v2 = { image: { tag: "2" } };

/** Installs revision 1 (web:1) with a watch beside Helm, as `pulumi up` runs both. */
async function installed(): Promise<ProgramRun> {
  const [run, outcome] = await Promise.all([
    runProgram(program(v1)),
    helm.upgrade({
      chartVersion: "1.2.0",
      config: v1,
      deployments: web("web:1"),
      timeoutMs: 10_000,
      renderMs: 300,
    }),
  ]);
  assert.equal(outcome, "deployed");
  return run;
}

/**
 * A failing upgrade beside `watching`: Helm starts once the watch has read the release's records (a
 * provider host can take seconds to start on a loaded machine), and gives up after 4 s, long enough
 * for the watch to see the pods fail, as it sees them during Helm's real, longer timeout.
 */
async function besideHelm<T>(
  watching: Promise<T>,
  upgrade: Omit<Parameters<FakeHelm["upgrade"]>[0], "timeoutMs">,
): Promise<[T, "deployed" | "failed"]> {
  const listed = () => fake.requests.filter((r) => r.path.endsWith("/secrets")).length;
  const before = listed();
  await untilTrue(() => listed() > before);
  return Promise.all([watching, helm.upgrade({ ...upgrade, timeoutMs: 4000 })]);
}

describe("HelmReleaseWatch through the dynamic-provider host, beside a fake Helm", () => {
  it("reports the workloads' progress while Helm installs, and ends with Helm's revision", async () => {
    await startFake();
    // The controllers wait until the watch has looked at the pods once: then it has seen them pending.
    fake.cluster.hold();
    const { result: run, output } = await withHostOutput(async () => {
      const running = installed();
      await untilTrue(() => fake.requests.some((r) => r.path.endsWith("/pods")));
      fake.cluster.release();
      return running;
    });
    assert.equal(run.outputs.revision, 1);
    // The host prints pulumi.log lines this way when it has no engine to send them to.
    assert.match(
      output,
      /info: \[runtime\] Helm release shop \(namespace apps\): revision 1 pending-install: 0 of 1 workloads ready; Deployment web: /,
    );
    assert.ok(!output.includes(token), "printed output");
    assertTokenHidden(run);
    assert.ok(
      fake.requests.every((r) => r.method === "GET" && r.authorized),
      "it only reads",
    );
    assert.deepEqual(fake.violations, []);
  });

  it("fails naming the pods' reason when Helm's upgrade fails, and says Helm rolled it back", async () => {
    await startFake();
    const first = await installed();
    outcomes["web:2"] = { waiting: "ImagePullBackOff", message: 'Back-off pulling image "web:2"' };
    const [err, outcome] = await besideHelm(failedRun(runProgram(program(v2), { previous: first })), {
      chartVersion: "1.2.0",
      config: v2,
      deployments: web("web:2"),
    });
    assert.equal(outcome, "failed");
    assert.deepEqual(helm.history, ["1 superseded", "2 failed", "3 deployed"]);
    assert.match(
      err.message,
      /Helm release shop \(namespace apps\): revision 2 failed \(Upgrade "shop" failed: context deadline exceeded\); Helm rolled it back to revision 1/,
    );
    assert.match(
      err.message,
      /the pods said: Deployment web: container app ImagePullBackOff: Back-off pulling image "web:2" \(\d pods?\)/,
    );
    assertTokenHidden(err.run, err);
    // The failed update kept the previous state: the next update watches again.
    assert.equal(err.run.byName("shop-watch", watchType).outputs.revision, 1);
    assert.deepEqual(fake.violations, []);
  });

  it("fails naming the pods' reason when Helm uninstalls a failed install", async () => {
    await startFake();
    outcomes["web:1"] = {
      waiting: "CrashLoopBackOff",
      message: "back-off 10s restarting failed container",
      lastExitCode: 1,
    };
    const [err, outcome] = await besideHelm(failedRun(runProgram(program(v1))), {
      chartVersion: "1.2.0",
      config: v1,
      deployments: web("web:1"),
    });
    assert.equal(outcome, "failed");
    assert.deepEqual(helm.history, []);
    assert.match(err.message, /Helm removed revision 1 after it failed/);
    assert.match(
      err.message,
      /CrashLoopBackOff: back-off 10s restarting failed container \(last exit code 1/,
    );
  });

  it("ends at once when Helm finished before the watch began, and waits for nothing of other values", async () => {
    await startFake();
    await helm.upgrade({ chartVersion: "1.2.0", config: v1, deployments: web("web:1"), timeoutMs: 10_000 });
    const run = await runProgram(program(v1));
    assert.equal(run.outputs.revision, 1);
    // Helm never records these values (its release failed before it rendered the chart, say).
    const started = Date.now();
    const err = await failedRun(runProgram(program(v2, { startSeconds: 1 }), { previous: run }));
    assert.ok(Date.now() - started < 8000, "gave up after startSeconds");
    assert.match(
      err.message,
      /Helm release shop \(namespace apps\): Helm recorded no install or upgrade of chart version 1\.2\.0 with these values within 1 s; the release's own error says why/,
    );
  });

  it("previews with values not known yet without calling the API server", async () => {
    await startFake();
    const run = await runProgram(
      () => {
        const values = new Values("values");
        return program(v1, { valuesDigest: values.digest })();
      },
      { preview: true },
    );
    const watch = run.byName("shop-watch", watchType);
    assert.equal(watch.operation, "create");
    assert.equal(watch.programInputs.valuesDigest, unknownValue);
    assert.deepEqual(fake.requests, [], "a preview calls no API");
  });

  it("refuses inputs that cannot name a release, before any call", async () => {
    await startFake();
    const err = await failedRun(runProgram(program(v1, { release: "Shop_Release", valuesDigest: "abc" })));
    assert.match(err.message, /release/);
    assert.match(err.message, /valuesDigest/);
    assert.deepEqual(fake.requests, []);
  });
});
