/**
 * The release memory of a canaried Kubernetes service, deployed run after run through Pulumi's
 * dynamic-provider host: which template the main Deployment runs and which the canary runs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { canaryRelease } from "../../components/kubernetes/release";
import { Release } from "../../provider/kubernetes/release";
import type { NormalizedCanary } from "../../components/spec";
import { type ProgramRun, runProgram, unknownValue } from "../support/harness";

const template = (image: pulumi.Input<string>) => ({
  metadata: { labels: { "app.kubernetes.io/name": "web" } },
  spec: { containers: [{ name: "web", image }] },
});
const v1 = template("app:1") as PodTemplateSpec;
const v2 = template("app:2") as PodTemplateSpec;
const canary: NormalizedCanary = { replicas: 2, pause: false, promote: false };

/** An image a build computes: unknown in a preview of its first deployment. */
class BuiltImage extends pulumi.CustomResource {
  declare readonly ref: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:BuiltImage", name, { ref: undefined });
  }
}

function deploy(
  desired: PodTemplateSpec | (() => pulumi.Input<PodTemplateSpec>),
  settings: NormalizedCanary = canary,
  options: { previous?: ProgramRun; preview?: boolean } = {},
): Promise<ProgramRun> {
  return runProgram(() => {
    const release = canaryRelease(
      "web",
      { template: typeof desired === "function" ? desired() : desired, canary: settings },
      {},
    );
    return {
      stable: release.stable,
      candidate: release.candidate,
      canaryReplicas: release.canaryReplicas,
    };
  }, options);
}

const imageOf = (template: unknown) =>
  (template as PodTemplateSpec | undefined)?.spec?.containers[0].image ?? "none";
/** What the two Deployments run after `run`: the stable image, the canary image, canary replicas. */
const deployed = (run: ProgramRun) => [
  imageOf(run.outputs.stable),
  imageOf(run.outputs.candidate),
  run.outputs.canaryReplicas,
];

describe("kubernetes release through the dynamic-provider host", () => {
  it("runs a change as a canary first and promotes it on the next deployment", async () => {
    const first = await deploy(v1);
    const release = first.byName("web-release");
    assert.equal(release.type, "pulumi-nodejs:dynamic/berth/kubernetes:Release");
    assert.equal(release.operation, "create");
    assert.deepEqual(deployed(first), ["app:1", "none", 0]);

    const again = await deploy(v1, canary, { previous: first });
    assert.equal(again.byName("web-release").operation, "same", "an unchanged stable release is no change");

    const started = await deploy(v2, canary, { previous: again });
    assert.equal(started.byName("web-release").operation, "update");
    assert.deepEqual(deployed(started), ["app:1", "app:2", 2]);

    const preview = await deploy(v2, canary, { previous: started, preview: true });
    assert.equal(preview.byName("web-release").operation, "update", "the promotion shows in a preview");
    // The host cannot preview an update: what the Deployments will run shows as not known yet.
    assert.equal(preview.outputs.stable, unknownValue);

    const promoted = await deploy(v2, canary, { previous: started });
    assert.equal(promoted.byName("web-release").operation, "update", "unchanged inputs, yet a promotion");
    assert.deepEqual(deployed(promoted), ["app:2", "none", 0]);

    const settled = await deploy(v2, canary, { previous: promoted });
    assert.equal(settled.byName("web-release").operation, "same");
    assert.deepEqual(deployed(settled), ["app:2", "none", 0]);
  });

  it("holds a paused canary until promote is set", async () => {
    const paused = { ...canary, pause: true };
    const first = await deploy(v1, paused);
    const started = await deploy(v2, paused, { previous: first });
    assert.deepEqual(deployed(started), ["app:1", "app:2", 2]);
    const held = await deploy(v2, paused, { previous: started });
    assert.equal(held.byName("web-release").operation, "same");
    assert.deepEqual(deployed(held), ["app:1", "app:2", 2]);

    const promoted = await deploy(v2, { ...paused, promote: true }, { previous: held });
    assert.deepEqual(deployed(promoted), ["app:2", "none", 0]);
  });

  it("promotes at once with promote", async () => {
    const promote = { ...canary, promote: true };
    const first = await deploy(v1, promote);
    const promoted = await deploy(v2, promote, { previous: first });
    assert.deepEqual(deployed(promoted), ["app:2", "none", 0]);
  });

  it("drops the canary when the program returns to the stable template", async () => {
    const first = await deploy(v1);
    const started = await deploy(v2, canary, { previous: first });
    assert.deepEqual(deployed(started), ["app:1", "app:2", 2]);
    const reverted = await deploy(v1, canary, { previous: started });
    assert.equal(reverted.byName("web-release").operation, "update");
    assert.deepEqual(deployed(reverted), ["app:1", "none", 0]);
    const after = await deploy(v1, canary, { previous: reverted });
    assert.equal(after.byName("web-release").operation, "same", "nothing left to promote");
  });

  it("previews a template not known yet as a change, for a new and for an existing release", async () => {
    // Pulumi resolves outputs at any depth of an input: the image alone is unknown, deep in the template.
    const withBuiltImage = (name: string) => () =>
      template(new BuiltImage(name).ref) as unknown as pulumi.Input<PodTemplateSpec>;
    const fresh = await deploy(withBuiltImage("image-1"), canary, { preview: true });
    const created = fresh.byName("web-release");
    assert.equal(created.operation, "create");
    assert.ok(JSON.stringify(created.programInputs.desired).includes(unknownValue));
    assert.equal(fresh.outputs.stable, unknownValue);

    const first = await deploy(v1);
    const preview = await deploy(withBuiltImage("image-2"), canary, { previous: first, preview: true });
    assert.equal(preview.byName("web-release").operation, "update");
    assert.equal(preview.outputs.stable, unknownValue);
    assert.equal(preview.outputs.canaryReplicas, unknownValue);
  });

  it("refuses a canary of no replicas in check, naming the field", async () => {
    await assert.rejects(
      runProgram(() => {
        new Release("bad", { desired: v1, canary: { replicas: 0, pause: false, promote: false } });
      }),
      (err: Error) => /canary\.replicas.*at least 1/.test(err.message),
    );
  });
});
