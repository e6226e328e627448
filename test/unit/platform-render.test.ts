import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import {
  normalizeService,
  renderEcs,
  renderKubernetes,
  renderSwarm,
  SpecError,
  type ServiceInput,
  type SpecIssue,
} from "../../components/spec";
import { loadCompose } from "../../components/compose/load";
import { toServiceSpecs } from "../../components/compose/to-service-specs";
import { composeDir } from "../support/compose-dir";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

function issues(input: ServiceInput): SpecIssue[] {
  try {
    normalizeService("svc", input);
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues;
  }
  return assert.fail("expected a refusal");
}

const swarmConstraints = (input: ServiceInput) =>
  renderSwarm(normalizeService("svc", input)).TaskTemplate.Placement?.Constraints;
const podOf = (input: ServiceInput) =>
  (renderKubernetes(normalizeService("svc", input))[0] as Deployment | Job).spec?.template.spec;

describe("platform in the service spec", () => {
  it("accepts linux/amd64 and linux/arm64 and refuses anything else, listing both", () => {
    assert.equal(normalizeService("svc", { image: "a", platform: "linux/arm64" }).platform, "linux/arm64");
    assert.equal(normalizeService("svc", { image: "a" }).platform, undefined);
    for (const platform of ["linux/arm/v7", "windows/amd64", "arm64"]) {
      const found = issues({ image: "a", platform: platform as ServiceInput["platform"] });
      assert.deepEqual(
        found.map((i) => i.path),
        ["platform"],
      );
      assert.ok(
        found[0].message.startsWith(`${JSON.stringify(platform)} is not one of "linux/amd64", "linux/arm64"`),
        found[0].message,
      );
    }
  });

  it("refuses node.platform constraints that contradict it, every one at once", () => {
    assert.deepEqual(
      issues({
        image: "a",
        platform: "linux/arm64",
        placement: {
          constraints: [
            "node.platform.arch==x86_64",
            "node.platform.arch==aarch64",
            "node.platform.arch!=arm64",
            "node.platform.os==windows",
          ],
        },
      }).map((i) => i.path),
      ["placement.constraints[0]", "placement.constraints[2]", "placement.constraints[3]"],
    );
    const contradiction = issues({
      image: "a",
      platform: "linux/amd64",
      placement: { constraints: ["node.platform.arch==aarch64"] },
    })[0];
    assert.match(contradiction.message, /contradicts platform "linux\/amd64"/);
  });
});

describe("platform on Swarm", () => {
  it("adds the node architecture Swarm reports after the service's own constraints", () => {
    assert.deepEqual(
      swarmConstraints({
        image: "a",
        platform: "linux/arm64",
        placement: { constraints: ["node.labels.zone==a", "node.role!=manager"] },
      }),
      ["node.labels.zone==a", "node.role!=manager", "node.platform.arch==aarch64"],
    );
    assert.deepEqual(swarmConstraints({ image: "a", platform: "linux/amd64" }), [
      "node.platform.arch==x86_64",
    ]);
    assert.deepEqual(swarmConstraints({ image: "a" }), []);
  });

  it("does not repeat a constraint the service already states", () => {
    assert.deepEqual(
      swarmConstraints({
        image: "a",
        platform: "linux/amd64",
        placement: { constraints: ["node.platform.arch == x86_64"] },
      }),
      ["node.platform.arch==x86_64"],
    );
  });
});

describe("platform on Kubernetes", () => {
  it("selects nodes by kubernetes.io/arch, beside the constraints' node affinity", async () => {
    const pod = podOf({
      image: "a",
      platform: "linux/arm64",
      placement: { constraints: ["node.labels.zone==a"] },
    });
    assert.deepEqual(pod?.nodeSelector, { "kubernetes.io/arch": "arm64" });
    assert.deepEqual(pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, {
      nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
    });
    assert.deepEqual(podOf({ image: "a", platform: "linux/amd64", mode: "job" })?.nodeSelector, {
      "kubernetes.io/arch": "amd64",
    });
    assert.equal(podOf({ image: "a" })?.nodeSelector, undefined);
    await assertValidKubernetesObjects([
      ...renderKubernetes(normalizeService("arm", { image: "a", platform: "linux/arm64" })),
      ...renderKubernetes(normalizeService("agent", { image: "a", platform: "linux/amd64", mode: "global" })),
    ]);
  });
});

describe("platform on ECS", () => {
  it("Fargate: the task definition's runtimePlatform, no placement constraint", () => {
    const r = renderEcs(normalizeService("svc", { image: "a", platform: "linux/arm64" }));
    assert.deepEqual(r.taskDefinition.runtimePlatform, {
      cpuArchitecture: "ARM64",
      operatingSystemFamily: "LINUX",
    });
    assert.equal(r.taskDefinition.placementConstraints, undefined);
    const x86 = renderEcs(normalizeService("svc", { image: "a", platform: "linux/amd64" }));
    assert.deepEqual(x86.taskDefinition.runtimePlatform, {
      cpuArchitecture: "X86_64",
      operatingSystemFamily: "LINUX",
    });
    assert.equal(
      renderEcs(normalizeService("svc", { image: "a" })).taskDefinition.runtimePlatform,
      undefined,
    );
  });

  it("EC2: runtimePlatform and the instances' ecs.cpu-architecture, merged with the service's constraints", () => {
    const r = renderEcs(
      normalizeService("svc", {
        image: "a",
        platform: "linux/arm64",
        placement: { constraints: ["node.labels.tier==edge"], maxPerNode: 1 },
      }),
      { launchType: "EC2" },
    );
    assert.equal(r.taskDefinition.runtimePlatform?.cpuArchitecture, "ARM64");
    assert.deepEqual(r.taskDefinition.placementConstraints, [
      { type: "memberOf", expression: "attribute:tier == edge" },
      { type: "memberOf", expression: "attribute:ecs.cpu-architecture == arm64" },
    ]);
    assert.deepEqual(r.service.placementConstraints, [{ type: "distinctInstance" }]);
  });

  it("is what the ECS API's RegisterTaskDefinition and CreateService inputs accept", () => {
    const r = renderEcs(normalizeService("svc", { image: "a", platform: "linux/arm64" }), {
      launchType: "EC2",
    });
    const taskDefinition: RegisterTaskDefinitionCommandInput = r.taskDefinition;
    const service: CreateServiceCommandInput = r.service;
    assert.equal(taskDefinition.runtimePlatform?.cpuArchitecture, "ARM64");
    assert.equal(taskDefinition.runtimePlatform?.operatingSystemFamily, "LINUX");
    assert.equal(service.launchType, "EC2");
  });
});

describe("platform in Compose", () => {
  const mapped = (platform: string) =>
    toServiceSpecs({ name: "p", services: { app: { image: "a", platform } } }).services.app.platform;

  it("maps platform, in Docker's spellings of the two platforms", () => {
    assert.equal(mapped("linux/arm64"), "linux/arm64");
    assert.equal(mapped("linux/arm64/v8"), "linux/arm64");
    assert.equal(mapped("linux/aarch64"), "linux/arm64");
    assert.equal(mapped("linux/amd64"), "linux/amd64");
    assert.equal(mapped("linux/x86_64"), "linux/amd64");
  });

  it("refuses other platforms at the Compose key, with the platforms Berth knows", () => {
    assert.throws(
      () => toServiceSpecs({ name: "p", services: { app: { image: "a", platform: "linux/arm/v7" } } }),
      (err: Error & { issues?: { path: string; message: string }[] }) => {
        assert.deepEqual(
          err.issues?.map((i) => i.path),
          ["services.app.platform"],
        );
        assert.match(err.issues[0].message, /^"linux\/arm\/v7" is not one of "linux\/amd64", "linux\/arm64"/);
        return true;
      },
    );
  });

  it("reads platform from a file", () => {
    const project = loadCompose({
      workingDir: composeDir({}),
      env: {},
      content: "services:\n  app:\n    image: a\n    platform: linux/arm64/v8\n",
    });
    assert.equal(toServiceSpecs(project).services.app.platform, "linux/arm64");
  });
});
