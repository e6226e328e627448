import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { ContainerService } from "../../components";
import {
  KubernetesCluster,
  type KubernetesClusterArgs,
  KubernetesClusterError,
} from "../../components/kubernetes";
import { runProgram, type ProgramRun } from "../support/harness";
import {
  CreationOptions,
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n# token: kc-token-123\n";
const saltType = "pulumi-nodejs:dynamic/berth/random:RandomSalt";

interface Deployed {
  run: ProgramRun;
  cluster: KubernetesCluster;
  capture: CreationOptions;
}

async function deploy(
  args: (sdk: typeof k8s) => KubernetesClusterArgs,
  options: { project?: string; stack?: string; withService?: boolean } = {},
): Promise<Deployed> {
  const capture = new CreationOptions();
  let cluster: KubernetesCluster | undefined;
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      cluster = new KubernetesCluster("prod", args(require("@pulumi/kubernetes") as typeof k8s));
      if (options.withService) {
        new ContainerService("api", { cluster, image: "nginx:1.27", ports: [{ target: 80 }] });
      }
      return { namespace: cluster.namespace };
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: options.project,
      stack: options.stack,
    },
  );
  assert.ok(cluster);
  return { run, cluster, capture };
}

async function refusal(args: Record<string, unknown>): Promise<KubernetesClusterError> {
  let caught: unknown;
  const run = await runProgram(() => {
    try {
      new KubernetesCluster("prod", args as KubernetesClusterArgs);
    } catch (err) {
      caught = err;
    }
  });
  assert.ok(
    caught instanceof KubernetesClusterError,
    `expected a KubernetesClusterError, got ${String(caught)}`,
  );
  assert.ok(pulumi.ResourceError.isInstance(caught), "reported against the component");
  assert.equal(caught.resourceName, "prod");
  assert.deepEqual(
    run.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`),
    [],
    "nothing was created",
  );
  return caught;
}

const issueLines = (err: KubernetesClusterError) => err.issues.map((i) => `${i.path}: ${i.message}`);

describe("KubernetesCluster under mocks", () => {
  it("creates a provider from the kubeconfig (a secret), a labelled namespace per stack and a secret salt", async () => {
    const { run } = await deploy(() => ({ kubeconfig, context: "prod-admin" }), {
      project: "Shop_App",
      stack: "Prod.EU",
    });
    const component = run.byName("prod", "berth:kubernetes:KubernetesCluster");
    const children = run.resources.filter((r) => r.parent === component.urn);
    assert.deepEqual(children.map((r) => `${r.type} ${r.name}`).sort(), [
      `${t.namespace} prod-namespace`,
      `${saltType} prod-salt`,
      `${t.provider} prod-provider`,
    ]);
    const provider = run.byName("prod-provider", t.provider);
    assert.equal(provider.inputs.kubeconfig, kubeconfig);
    assert.equal(provider.inputs.context, "prod-admin");
    assert.ok(provider.secretInputs.includes("kubeconfig"), "the kubeconfig is a secret in state");

    const namespace = run.byName("prod-namespace", t.namespace);
    assert.deepEqual(namespace.inputs.metadata, {
      name: "shop-app-prod-eu",
      labels: {
        "app.kubernetes.io/managed-by": "berth",
        "berth.dev/project": "Shop_App",
        "berth.dev/stack": "Prod.EU",
      },
    });
    assert.equal(run.outputs.namespace, "shop-app-prod-eu");

    const salt = run.byName("prod-salt", saltType);
    assert.match(String(salt.outputs.salt), /^[0-9a-f]{64}$/);
    assert.ok(salt.secretOutputs.includes("salt"), "the salt is a secret in state");
    await assertValidKubernetesObjects([namespace.inputs]);
  });

  it("the salt survives the next update unchanged", async () => {
    const first = await deploy(() => ({ kubeconfig }));
    const capture = new CreationOptions();
    const second = await runProgram(
      () => {
        pulumi.runtime.registerStackTransformation(capture.transformation);
        new KubernetesCluster("prod", { kubeconfig });
      },
      { mockResource: kubernetesMockResource, mockDynamic: kubernetesMockDynamic, previous: first.run },
    );
    assert.equal(
      second.byName("prod-salt", saltType).outputs.salt,
      first.run.byName("prod-salt", saltType).outputs.salt,
    );
    assert.equal(second.byName("prod-salt", saltType).operation, "same");
  });

  it("uses a given provider and an existing namespace: creates neither", async () => {
    let given: k8s.Provider | undefined;
    const { run, cluster, capture } = await deploy(
      (sdk) => {
        given = new sdk.Provider("mine", { kubeconfig: pulumi.secret(kubeconfig) });
        return { provider: given, namespace: "shop", createNamespace: false };
      },
      { withService: true },
    );
    assert.equal(cluster.provider, given);
    assert.deepEqual(
      run.resources.filter((r) => r.type === t.provider || r.type === t.namespace).map((r) => r.name),
      ["mine"],
    );
    assert.equal(run.outputs.namespace, "shop");
    const objects = capture.named("kubernetes:");
    assert.ok(objects.length >= 4, objects.join(", "));
    for (const key of objects) {
      const [type, name] = key.split(" ");
      assert.equal(capture.of(type, name).provider, given, `${key} is created with the given provider`);
      assert.equal((run.byName(name, type).inputs.metadata as { namespace?: string }).namespace, "shop", key);
    }
  });

  it("services' objects use the cluster's own provider and namespace", async () => {
    const { run, cluster, capture } = await deploy(() => ({ kubeconfig, namespace: "shop" }), {
      withService: true,
    });
    const objects = capture.named("kubernetes:");
    assert.ok(objects.includes(`${t.deployment} api`), objects.join(", "));
    for (const key of objects) {
      const [type, name] = key.split(" ");
      assert.equal(capture.of(type, name).provider, cluster.provider, `${key} uses the cluster's provider`);
    }
    assert.equal(
      (run.byName("prod-namespace", t.namespace).inputs.metadata as { name: string }).name,
      "shop",
    );
    assert.equal(
      (run.byName("api", t.deployment).inputs.metadata as { namespace: string }).namespace,
      "shop",
    );
  });

  it("refuses wrong arguments, all together, before creating anything", async () => {
    const err = await refusal({
      kubeconfig: "",
      context: "",
      namespace: "Shop_Prod",
      createNamespace: "yes",
    });
    assert.deepEqual(issueLines(err), [
      "kubeconfig: is empty; give a kubeconfig's content or path, or leave it out for the ambient one",
      "context: must be the name of a context of the kubeconfig",
      'namespace: "Shop_Prod" is not a DNS label: at most 63 lower case letters, digits or "-", starting and ending with a letter or digit',
      "createNamespace: must be true or false",
    ]);
    assert.match(err.message, /^KubernetesCluster prod:\n {2}kubeconfig: /);
  });

  it("refuses a kubeconfig beside a provider, a context for a given provider, and not a provider", async () => {
    const err = await refusal({ kubeconfig, context: "admin", provider: { name: "not a provider" } });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["kubeconfig", "context", "provider"],
    );
    assert.match(issueLines(err)[0], /either kubeconfig or provider, not both/);
  });

  it("refuses to create a namespace every cluster has", async () => {
    const err = await refusal({ namespace: "kube-system" });
    assert.deepEqual(issueLines(err), [
      "namespace: kube-system exists on every cluster; set createNamespace: false to use it",
    ]);
    const { run } = await deploy(() => ({ kubeconfig, namespace: "default", createNamespace: false }));
    assert.equal(run.outputs.namespace, "default");
  });

  it("a subclass registers under its own type and connects when it calls connect()", async () => {
    class ProvisionedCluster extends KubernetesCluster {
      constructor(name: string, connectNow: boolean) {
        super(name, {}, undefined, { type: "test:kubernetes:Provisioned" });
        if (connectNow) this.connect({ kubeconfig, namespace: "prov" });
      }
    }
    let unconnected: unknown;
    const run = await runProgram(
      () => {
        const idle = new ProvisionedCluster("idle", false);
        try {
          new ContainerService("api", { cluster: idle, image: "nginx" });
        } catch (err) {
          unconnected = err;
        }
        const ready = new ProvisionedCluster("ready", true);
        return { namespace: ready.namespace };
      },
      { mockResource: kubernetesMockResource },
    );
    assert.match(String(unconnected), /KubernetesCluster idle is not connected/);
    const idle = run.byName("idle", "test:kubernetes:Provisioned");
    assert.deepEqual(
      run.resources.filter((r) => r.parent === idle.urn).map((r) => r.name),
      [],
    );
    const ready = run.byName("ready", "test:kubernetes:Provisioned");
    assert.deepEqual(
      run.resources
        .filter((r) => r.parent === ready.urn)
        .map((r) => r.name)
        .sort(),
      ["ready-namespace", "ready-provider", "ready-salt"],
    );
    assert.equal(run.outputs.namespace, "prov");
  });
});
