/**
 * HelmRelease under mocks: the Helm release, the rendered chart and the CRDs field by field, values kept
 * secret, and every refusal (arguments, objects mode on a chart with hooks, values the schema refuses)
 * before anything is created.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import {
  HelmRelease,
  type HelmReleaseArgs,
  HelmReleaseError,
  KubernetesCluster,
} from "../../components/kubernetes";
import { type MockedResource, runProgram, type ProgramRun } from "../support/harness";
import { CreationOptions, kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { plainHolders } from "../support/state-queries";
import { valuesDigest } from "../../provider/kubernetes/helm-watch";
import {
  chartsDir,
  chartYaml,
  defaultValues,
  hookJob,
  lookupSecret,
  plainDeployment,
  randomSecret,
  valuesSchema,
  widgetCrd,
  writeChartArchive,
  writeChartDir,
} from "../support/helm-charts";

const types = {
  release: "kubernetes:helm.sh/v3:Release",
  chart: "kubernetes:helm.sh/v4:Chart",
  crds: "kubernetes:yaml/v2:ConfigGroup",
  watch: "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch",
} as const;

const dir = chartsDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A chart without hooks, with two CRDs, a values schema and defaults. */
const webFiles = (version: string) => ({
  "Chart.yaml": chartYaml("web", version),
  "templates/deployment.yaml": plainDeployment,
  "crds/widgets.yaml": widgetCrd(version),
  "values.yaml": defaultValues,
  "values.schema.json": valuesSchema,
});
const webChart = writeChartDir(dir, "web", webFiles("1.0.0"));
const hazardousChart = writeChartArchive(dir, "risky", "0.3.0", {
  "Chart.yaml": chartYaml("risky", "0.3.0"),
  "templates/deployment.yaml": plainDeployment,
  "templates/migrate-job.yaml": hookJob,
  "templates/db-secret.yaml": lookupSecret,
  "templates/auth-secret.yaml": randomSecret,
});

function mockResource(resource: MockedResource): Record<string, unknown> {
  if (resource.type === types.release) return { status: { revision: 1, status: "deployed" } };
  return kubernetesMockResource(resource);
}

interface Deployed {
  run: ProgramRun;
  capture: CreationOptions;
  cluster: KubernetesCluster;
}

async function deploy(
  args: (cluster: KubernetesCluster) => HelmReleaseArgs,
  options: { preview?: boolean } = {},
): Promise<Deployed> {
  const capture = new CreationOptions();
  let cluster: KubernetesCluster | undefined;
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      cluster = new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
      const helm = new HelmRelease("web", args(cluster));
      return { namespace: helm.namespace };
    },
    { mockResource, mockDynamic: kubernetesMockDynamic, ...options },
  );
  assert.ok(cluster);
  return { run, capture, cluster };
}

async function refusal(args: Omit<HelmReleaseArgs, "cluster"> & Record<string, unknown>): Promise<string[]> {
  let caught: unknown;
  const run = await runProgram(
    () => {
      const cluster = new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
      try {
        new HelmRelease("web", { cluster, ...args } as HelmReleaseArgs);
      } catch (err) {
        caught = err;
      }
    },
    { mockResource },
  );
  assert.ok(caught instanceof HelmReleaseError, `expected a HelmReleaseError, got ${String(caught)}`);
  assert.ok(pulumi.ResourceError.isInstance(caught), "reported against the component");
  assert.match(caught.message, /^HelmRelease web:/);
  const helmTypes = Object.values(types) as string[];
  assert.deepEqual(
    run.resources.filter((r) => helmTypes.includes(r.type)).map((r) => r.name),
    [],
    "no chart, release or CRD was created",
  );
  return caught.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("HelmRelease in release mode (under mocks)", () => {
  it("installs a local chart as a Helm release that waits, rolls back, and leaves the CRDs to Berth", async () => {
    const { run, capture, cluster } = await deploy((cluster) => ({
      cluster,
      chart: webChart,
      values: { replicas: 2 },
    }));
    const release = run.byName("web", types.release);
    assert.equal(release.inputs.chart, webChart);
    assert.equal(release.inputs.name, "web");
    assert.equal(release.inputs.namespace, run.outputs.namespace, "the cluster's namespace");
    assert.match(String(release.inputs.namespace), /^[a-z0-9-]+$/);
    assert.deepEqual(release.inputs.values, { replicas: 2 });
    assert.deepEqual(release.secretInputs, [], "plain values are given as they are");
    assert.deepEqual(
      release.secretOutputs,
      ["values"],
      "the values Helm echoes back are kept secret all the same",
    );
    assert.equal(release.inputs.skipCrds, true, "Berth applies the CRDs");
    assert.equal(release.inputs.skipAwait, false, "Helm waits for the workloads");
    assert.equal(release.inputs.waitForJobs, true);
    assert.equal(release.inputs.timeout, 600);
    assert.equal(release.inputs.atomic, true);
    assert.equal(release.inputs.cleanupOnFail, true);
    assert.equal(release.inputs.createNamespace, false);
    assert.equal(release.inputs.repositoryOpts, undefined);
    assert.equal(
      capture.of(types.release, "web").provider,
      cluster.provider,
      "through the cluster's provider",
    );
    assert.deepEqual(capture.dependsOn(types.release, "web"), [`${types.crds} web-crds`], "after the CRDs");
    assert.equal(run.resources.filter((r) => r.type === types.chart).length, 0);

    const watch = run.byName("web-watch", types.watch);
    assert.deepEqual(
      {
        release: watch.inputs.release,
        namespace: watch.inputs.namespace,
        chartVersion: watch.inputs.chartVersion,
        valuesDigest: watch.inputs.valuesDigest,
        timeoutSeconds: watch.inputs.timeoutSeconds,
        kubeconfig: watch.inputs.kubeconfig,
      },
      {
        release: "web",
        namespace: release.inputs.namespace,
        chartVersion: "1.0.0",
        valuesDigest: valuesDigest({ replicas: 2 }),
        timeoutSeconds: 600,
        kubeconfig: "apiVersion: v1\nkind: Config\n",
      },
      "follows this release, of these values, through the cluster's kubeconfig",
    );
    assert.ok(watch.secretInputs.includes("kubeconfig") && watch.secretOutputs.includes("kubeconfig"));
    assert.ok(watch.secretOutputs.includes("valuesDigest"));
    assert.deepEqual(
      capture.dependsOn(types.watch, "web-watch"),
      [`${types.crds} web-crds`],
      "beside the release, not after it: it reports while Helm waits",
    );
  });

  it("follows no release with watch: false, and none in objects mode", async () => {
    const off = await deploy((cluster) => ({ cluster, chart: webChart, watch: false }));
    assert.equal(off.run.resources.filter((r) => r.type === types.watch).length, 0);
    const objects = await deploy((cluster) => ({ cluster, chart: webChart, mode: "objects" }));
    assert.equal(objects.run.resources.filter((r) => r.type === types.watch).length, 0);
  });

  it("applies the chart's CRDs as their own step, forced over Helm's field manager and kept on delete", async () => {
    const { run, capture, cluster } = await deploy((cluster) => ({ cluster, chart: webChart }));
    const crds = run.byName("web-crds", types.crds);
    const objs = crds.inputs.objs as {
      kind: string;
      metadata: { name: string; annotations: Record<string, string>; labels?: Record<string, string> };
    }[];
    assert.deepEqual(
      objs.map((o) => `${o.kind} ${o.metadata.name}`),
      ["CustomResourceDefinition widgets.example.com", "CustomResourceDefinition gadgets.example.com"],
    );
    for (const o of objs) assert.equal(o.metadata.annotations["pulumi.com/patchForce"], "true");
    assert.equal(objs[0].metadata.labels?.["chart-version"], "1.0.0", "the CRDs as the chart ships them");
    const opts = capture.of(types.crds, "web-crds");
    assert.equal(opts.provider, cluster.provider);
    assert.equal(opts.retainOnDelete, true);
    assert.deepEqual(capture.dependsOn(types.crds, "web-crds"), [], "depends on nothing but the provider");
  });

  it("applies the new chart version's CRDs when the chart version changes", async () => {
    const next = writeChartDir(dir, "web-next", webFiles("1.1.0"));
    const { run } = await deploy((cluster) => ({ cluster, chart: next }));
    const objs = run.byName("web-crds", types.crds).inputs.objs as {
      metadata: { labels?: Record<string, string> };
    }[];
    assert.equal(objs[0].metadata.labels?.["chart-version"], "1.1.0");
  });

  it('leaves the CRDs to Helm with crds: "skip"', async () => {
    const { run, capture } = await deploy((cluster) => ({ cluster, chart: webChart, crds: "skip" }));
    assert.equal(run.resources.filter((r) => r.type === types.crds).length, 0);
    assert.equal(run.byName("web", types.release).inputs.skipCrds, false);
    assert.deepEqual(capture.dependsOn(types.release, "web"), []);
  });

  it("installs a chart from an https repository or an OCI registry, at its version, in the namespace given", async () => {
    const https = await deploy((cluster) => ({
      cluster,
      chart: "ingress-nginx",
      repository: "https://kubernetes.github.io/ingress-nginx",
      version: "4.11.3",
      namespace: "edge",
      releaseName: "ingress",
      timeoutSeconds: 120,
    }));
    const release = https.run.byName("web", types.release);
    assert.equal(release.inputs.chart, "ingress-nginx");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://kubernetes.github.io/ingress-nginx" });
    assert.equal(release.inputs.version, "4.11.3");
    assert.equal(release.inputs.namespace, "edge");
    assert.equal(release.inputs.name, "ingress");
    assert.equal(release.inputs.timeout, 120);
    assert.equal(release.inputs.skipCrds, false, "no local chart: Helm installs its CRDs");
    const oci = await deploy((cluster) => ({
      cluster,
      chart: "redis",
      repository: "oci://registry-1.docker.io/bitnamicharts/",
      version: "20.1.0",
    }));
    const ociRelease = oci.run.byName("web", types.release);
    assert.equal(ociRelease.inputs.chart, "oci://registry-1.docker.io/bitnamicharts/redis");
    assert.equal(ociRelease.inputs.repositoryOpts, undefined);
  });

  it("keeps values secret in state when one of them is a secret, and the values the provider echoes always", async () => {
    const { run } = await deploy((cluster) => ({
      cluster,
      chart: webChart,
      values: { replicas: 2, password: pulumi.secret("hunter2-hunter2") },
    }));
    const release = run.byName("web", types.release);
    assert.ok(
      release.secretInputs.some((p) => p === "values" || p.startsWith("values")),
      `secret inputs: ${release.secretInputs.join(", ")}`,
    );
    assert.deepEqual(release.inputs.values, { replicas: 2, password: "hunter2-hunter2" });
    assert.ok(release.secretOutputs.includes("values"));
    assert.deepEqual(plainHolders(run, "hunter2-hunter2"), [], "no plain copy anywhere in state");
  });
});

describe("HelmRelease in objects mode (under mocks)", () => {
  it("renders a chart without hooks into objects through the cluster's provider, after its CRDs", async () => {
    const { run, capture, cluster } = await deploy((cluster) => ({
      cluster,
      chart: webChart,
      mode: "objects",
      values: { replicas: 3 },
    }));
    const chart = run.byName("web", types.chart);
    assert.equal(chart.inputs.chart, webChart);
    assert.equal(chart.inputs.name, "web");
    assert.equal(chart.inputs.namespace, run.outputs.namespace);
    assert.deepEqual(chart.inputs.values, { replicas: 3 });
    assert.equal(chart.inputs.skipCrds, true);
    assert.equal(capture.of(types.chart, "web").provider, cluster.provider);
    assert.deepEqual(capture.dependsOn(types.chart, "web"), [`${types.crds} web-crds`]);
    assert.equal(run.resources.filter((r) => r.type === types.release).length, 0, "no Helm release");
  });

  it("renders a remote chart whose local copy the preflight read", async () => {
    const archive = writeChartArchive(dir, "web", "1.0.0", webFiles("1.0.0"));
    const { run } = await deploy((cluster) => ({
      cluster,
      chart: "web",
      repository: "https://charts.example.com",
      version: "1.0.0",
      chartArchive: archive,
      mode: "objects",
    }));
    const chart = run.byName("web", types.chart);
    assert.equal(chart.inputs.chart, "web");
    assert.deepEqual(chart.inputs.repositoryOpts, { repo: "https://charts.example.com" });
    assert.equal(chart.inputs.version, "1.0.0");
    assert.ok(run.byName("web-crds", types.crds), "the CRDs read from the local copy");
  });

  it("refuses a chart with hooks, lookup or random values, naming each template and why", async () => {
    const issues = await refusal({ chart: hazardousChart, mode: "objects" });
    assert.equal(issues.length, 3, issues.join("\n"));
    assert.match(
      issues.find((i) => i.includes("templates/migrate-job.yaml")) ?? "",
      /^mode: .*helm\.sh\/hook/,
    );
    assert.match(issues.find((i) => i.includes("templates/db-secret.yaml")) ?? "", /lookup/);
    assert.match(issues.find((i) => i.includes("templates/auth-secret.yaml")) ?? "", /randAlphaNum/);
    assert.ok(
      issues.every((i) => i.includes('mode "release"')),
      "says what to use instead",
    );
  });

  it("installs the same chart as a release", async () => {
    const { run } = await deploy((cluster) => ({ cluster, chart: hazardousChart }));
    assert.equal(run.byName("web", types.release).inputs.chart, hazardousChart);
  });

  it("refuses a remote chart it cannot read", async () => {
    const issues = await refusal({
      chart: "web",
      repository: "https://charts.example.com",
      version: "1.0.0",
      mode: "objects",
    });
    assert.deepEqual(
      issues.map((i) => i.split(":")[0]),
      ["chartArchive"],
    );
  });
});

describe("HelmRelease's checks before anything is created (under mocks)", () => {
  it("lists every values problem the chart's schema finds, at its path", async () => {
    const issues = await refusal({
      chart: webChart,
      values: { replicas: 0, image: { tag: null }, extra: 1 },
    });
    assert.deepEqual(issues.map((i) => i.split(":")[0]).sort(), [
      "values.extra",
      "values.image.tag",
      "values.replicas",
    ]);
  });

  it("checks values that hold outputs once they resolve, before the release is registered", async () => {
    await assert.rejects(
      deploy((cluster) => ({
        cluster,
        chart: webChart,
        values: { replicas: pulumi.output(0), image: { pullPolicy: pulumi.secret("Sometimes") } },
      })),
      (err: Error & { resources?: { type: string }[] }) => {
        assert.match(err.message, /HelmRelease web:/);
        assert.deepEqual(
          (err.resources ?? []).filter((r) => r.type === types.release),
          [],
          "the release waits for the check",
        );
        assert.match(err.message, /values\.replicas: must be >= 1/);
        assert.match(err.message, /values\.image\.pullPolicy: must be one of/);
        assert.doesNotMatch(err.message, /Sometimes/, "the secret is not quoted");
        return true;
      },
    );
  });

  it("checks values from secret config in a preview, before anything is applied", async () => {
    await assert.rejects(
      runProgram(
        () => {
          const cluster = new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
          const password = new pulumi.Config().requireSecret("password");
          new HelmRelease("web", { cluster, chart: webChart, values: { password } });
        },
        { mockResource, preview: true, config: { password: "short" }, secretConfig: ["password"] },
      ),
      (err: Error) => {
        assert.match(err.message, /values\.password: must NOT have fewer than 8 characters/);
        assert.doesNotMatch(err.message, /\bshort\b/, "the secret is not quoted");
        return true;
      },
    );
  });

  it("names each wrong argument with its field", async () => {
    const issues = await refusal({
      chart: "web",
      repository: "http://charts.example.com",
      mode: "object" as "objects",
      crds: "yes" as "apply",
      releaseName: "Web_Release",
      timeoutSeconds: 0,
      watch: "yes" as unknown as boolean,
      valuse: {},
    });
    const fields = issues.map((i) => i.split(":")[0]);
    assert.deepEqual(fields.sort(), [
      "crds",
      "mode",
      "releaseName",
      "repository",
      "timeoutSeconds",
      "valuse",
      "version",
      "watch",
    ]);
    assert.match(issues.find((i) => i.startsWith("valuse")) ?? "", /did you mean "values"/);
  });

  it("refuses a local chart that is missing, and a chart archive that holds another chart", async () => {
    assert.deepEqual(
      (await refusal({ chart: `${dir}/nowhere` })).map((i) => i.split(":")[0]),
      ["chart"],
    );
    const archive = writeChartArchive(dir, "web", "1.0.0", webFiles("1.0.0"));
    const mismatch = await refusal({
      chart: "web",
      repository: "https://charts.example.com",
      version: "2.0.0",
      chartArchive: archive,
    });
    assert.deepEqual(mismatch, ["chartArchive: holds web 1.0.0, not web 2.0.0"]);
  });
});
