/**
 * A FAKE of Helm's install and upgrade as the cluster sees them, for the fake Kubernetes API server:
 * release records in Helm's Secret storage (`sh.helm.release.v1.<name>.v<n>`, labelled
 * owner/name/status/version, the release gzip-compressed and base64-encoded), the chart's Deployments
 * applied, and Helm's `--wait --atomic`: deployed once every Deployment is available, otherwise failed
 * at the timeout and rolled back (an upgrade) or uninstalled (an install).
 */
import { gzipSync } from "zlib";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { FakeKubernetes } from "./fake-kubernetes";

/** A Deployment of the chart: its name, image and replicas. */
export interface ChartDeployment {
  name: string;
  image: string;
  replicas?: number;
}

interface Record {
  revision: number;
  status: string;
  description: string;
  chartVersion: string;
  config: object;
  deployments: ChartDeployment[];
}

const templateOf = (d: ChartDeployment): PodTemplateSpec => ({
  metadata: { labels: { "app.kubernetes.io/name": d.name } },
  spec: { containers: [{ name: "app", image: d.image }] },
});

function manifestOf(deployments: ChartDeployment[]): string {
  const service =
    "---\n# Source: app/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: app\n";
  return (
    service +
    deployments
      .map(
        (d) =>
          `---\n# Source: app/templates/${d.name}.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${d.name}\n` +
          `spec:\n  replicas: ${d.replicas ?? 2}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${d.image}\n`,
      )
      .join("")
  );
}

export class FakeHelm {
  private records: Record[] = [];

  constructor(
    private readonly fake: FakeKubernetes,
    readonly namespace: string,
    readonly release: string,
  ) {}

  /** The release's records, oldest first, as `<revision> <status>`. */
  get history(): string[] {
    return this.records.map((r) => `${r.revision} ${r.status}`);
  }

  /**
   * Installs or upgrades the release as `helm upgrade --install --wait --atomic` does, after
   * `renderMs` (fetching and rendering the chart); resolves with how it ended.
   */
  async upgrade(args: {
    chartVersion: string;
    config: object;
    deployments: ChartDeployment[];
    timeoutMs: number;
    renderMs?: number;
  }): Promise<"deployed" | "failed"> {
    await new Promise((resolve) => setTimeout(resolve, args.renderMs ?? 0));
    const previous = [...this.records].reverse().find((r) => r.status === "deployed");
    const install = previous === undefined;
    const ours: Record = {
      revision: (this.records.at(-1)?.revision ?? 0) + 1,
      status: install ? "pending-install" : "pending-upgrade",
      description: install ? "Initial install underway" : "Preparing upgrade",
      chartVersion: args.chartVersion,
      config: args.config,
      deployments: args.deployments,
    };
    this.records.push(ours);
    this.store();
    this.apply(args.deployments);
    const deadline = Date.now() + args.timeoutMs;
    while (Date.now() < deadline) {
      if (args.deployments.every((d) => this.available(d))) {
        if (previous) previous.status = "superseded";
        Object.assign(ours, {
          status: "deployed",
          description: install ? "Install complete" : "Upgrade complete",
        });
        this.store();
        return "deployed";
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ours.status = "failed";
    ours.description = `${install ? "Release" : "Upgrade"} "${this.release}" failed: context deadline exceeded`;
    this.store();
    if (install) {
      // --atomic on install: the release is uninstalled, its records with it.
      this.records = [];
      this.store();
      return "failed";
    }
    this.apply(previous.deployments);
    previous.status = "superseded";
    this.records.push({
      ...previous,
      revision: ours.revision + 1,
      status: "deployed",
      description: `Rollback to ${previous.revision}`,
    });
    this.store();
    return "failed";
  }

  private apply(deployments: ChartDeployment[]): void {
    for (const d of deployments) {
      if (this.fake.workload("Deployment", this.namespace, d.name))
        this.fake.applyTemplate("Deployment", this.namespace, d.name, templateOf(d));
      else
        this.fake.cluster.addDeployment({
          namespace: this.namespace,
          name: d.name,
          template: templateOf(d),
          replicas: d.replicas ?? 2,
        });
    }
  }

  private available(d: ChartDeployment): boolean {
    const live = this.fake.workload("Deployment", this.namespace, d.name) as Deployment | undefined;
    const status = live?.status ?? {};
    const wanted = d.replicas ?? 2;
    return (
      (status.observedGeneration ?? 0) >= (live?.metadata?.generation ?? 1) &&
      status.updatedReplicas === wanted &&
      status.availableReplicas === wanted &&
      status.replicas === wanted
    );
  }

  /** Writes the records as Helm's Secret storage holds them. */
  private store(): void {
    const others = this.fake.cluster.secrets.filter(
      (s) => !(s.metadata?.namespace === this.namespace && s.metadata?.labels?.name === this.release),
    );
    const records = this.records.map((r) => {
      const release = {
        name: this.release,
        namespace: this.namespace,
        version: r.revision,
        info: { status: r.status, description: r.description },
        chart: { metadata: { name: "app", version: r.chartVersion } },
        config: r.config,
        manifest: manifestOf(r.deployments),
      };
      const helmText = gzipSync(Buffer.from(JSON.stringify(release))).toString("base64");
      return {
        metadata: {
          name: `sh.helm.release.v1.${this.release}.v${r.revision}`,
          namespace: this.namespace,
          uid: `uid-${this.release}-${r.revision}`,
          resourceVersion: this.fake.cluster.nextVersion(),
          labels: { owner: "helm", name: this.release, status: r.status, version: String(r.revision) },
        },
        type: "helm.sh/release.v1",
        data: { release: Buffer.from(helmText).toString("base64") },
      };
    });
    this.fake.cluster.secrets = [...others, ...records];
  }
}
