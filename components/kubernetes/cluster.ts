import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, StackSupport, Workload, WorkloadRequest } from "../cluster";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import type { LoggingDeployment, LoggingRequest } from "../observability-contract";
import type { TenantPlacement, TenantRequest } from "../tenant-contract";
import { RandomSalt } from "../../provider/random/salt";
import {
  asLabelValue,
  defaultNamespace,
  type KubernetesClusterArgs,
  KubernetesClusterError,
  kubernetesClusterIssues,
} from "./cluster-args";
import type { KubernetesAccess, KubernetesClusterContext } from "./context";
import { kubernetesStackSupport } from "./stack-support";
import { missingPeersMessage } from "../../provider/shared/peer-packages";

/** The optional peer packages a Kubernetes cluster needs. */
const kubernetesPeers = ["@pulumi/kubernetes", "@kubernetes/client-node"];

export type { KubernetesClusterArgs, KubernetesClusterIssue } from "./cluster-args";
export { KubernetesClusterError } from "./cluster-args";

type Connected = { -readonly [K in "namespace" | "provider" | "access"]: KubernetesCluster[K] };

/**
 * An existing Kubernetes cluster that runs portable services, reached through a kubeconfig or a
 * `@pulumi/kubernetes` provider. Every service of the stack runs in one namespace, which the cluster
 * creates (`<project>-<stack>` unless named) and labels as Berth's, or which already exists
 * (`createNamespace: false`).
 *
 * ```ts
 * const cluster = new KubernetesCluster("prod", { kubeconfig: config.requireSecret("kubeconfig") });
 * new ContainerService("api", { cluster, image: "traefik/whoami:v1.10", ports: [{ target: 80 }] });
 * ```
 *
 * @throws {@link KubernetesClusterError} for wrong arguments, listing each, before anything is created.
 */
export class KubernetesCluster extends pulumi.ComponentResource implements ServiceCluster {
  readonly target = "kubernetes" as const;
  /** The namespace the services run in; resolves once it exists. */
  declare readonly namespace: pulumi.Output<string>;
  /** The provider every object of the cluster's services is created with. */
  declare readonly provider: k8s.Provider;
  /**
   * How Berth's waits (rollouts, Helm releases) reach the cluster: the kubeconfig (secret) and context
   * the cluster was given; empty when it was given a provider only (the ambient kubeconfig then).
   */
  declare readonly access: KubernetesAccess;
  // ES private: subclasses (GkeCluster) are free to name their own fields.
  readonly #name: string;
  readonly #type: string;
  readonly #gke: boolean;
  #context?: KubernetesClusterContext;
  #namespaceName = "";
  /** The namespaces of the cluster's tenants, with the tenant holding each. */
  readonly #tenantNamespaces = new Map<string, string>();

  /**
   * @param internal For clusters that provision the cluster first (`GkeCluster`): the component
   *   registers under `internal.type` and does not connect; the subclass calls {@link connect}.
   *   `internal.gke` marks a GKE cluster, whose monitoring can be Google Cloud Managed Service for
   *   Prometheus.
   */
  constructor(
    name: string,
    args: KubernetesClusterArgs = {},
    opts?: pulumi.ComponentResourceOptions,
    internal?: { type: string; gke?: boolean },
  ) {
    const type = internal?.type ?? "berth:kubernetes:KubernetesCluster";
    super(type, name, {}, opts);
    this.#name = name;
    this.#type = type.split(":").pop() ?? type;
    this.#gke = internal?.gke === true;
    if (internal) return;
    this.connect(args ?? {});
    this.registerOutputs({ namespace: this.namespace });
  }

  /**
   * Connects to the cluster: creates the provider (unless given), the namespace (unless
   * `createNamespace` is false) and the salt that names Secrets, as children of this component, and
   * sets {@link namespace} and {@link provider}. A subclass calls it once, and registers its outputs.
   *
   * @throws {@link KubernetesClusterError} for wrong arguments, before anything is created.
   */
  protected connect(args: KubernetesClusterArgs): void {
    const name = this.#name;
    const issues = kubernetesClusterIssues(args);
    if (issues.length > 0) throw new KubernetesClusterError(name, issues, this);
    // Loaded only when a cluster is made: `pulumi-berth/kubernetes`'s renderer works without the SDK. The
    // Kubernetes client is the rollout waits', loaded by Pulumi's provider host from the same tree.
    const missing = missingPeersMessage(`KubernetesCluster ${name}`, kubernetesPeers);
    if (missing) throw new pulumi.ResourceError(missing, this);
    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const project = pulumi.getProject();
    const stack = pulumi.getStack();

    const provider =
      args.provider ??
      new sdk.Provider(
        `${name}-provider`,
        {
          ...(args.kubeconfig !== undefined && { kubeconfig: pulumi.secret(args.kubeconfig) }),
          ...(args.context !== undefined && { context: args.context }),
        },
        { parent: this },
      );
    const namespaceName = args.namespace ?? defaultNamespace(project, stack);
    const namespace =
      args.createNamespace === false
        ? pulumi.output(namespaceName)
        : new sdk.core.v1.Namespace(
            `${name}-namespace`,
            {
              metadata: {
                name: namespaceName,
                labels: {
                  "app.kubernetes.io/managed-by": "berth",
                  "berth.dev/project": asLabelValue(project),
                  "berth.dev/stack": asLabelValue(stack),
                },
              },
            },
            { parent: this, provider },
          ).metadata.name;
    const salt = new RandomSalt(`${name}-salt`, { parent: this });

    this.#namespaceName = namespaceName;
    const self = this as unknown as Connected;
    self.namespace = namespace;
    self.provider = provider;
    self.access = {
      ...(args.kubeconfig !== undefined && { kubeconfig: pulumi.secret(args.kubeconfig) }),
      ...(args.context !== undefined && { context: args.context }),
    };
    this.#context = {
      provider,
      namespace,
      partOf: asLabelValue(`${project}-${stack}`),
      salt: salt.salt,
      ...(self.access.kubeconfig !== undefined && { kubeconfig: self.access.kubeconfig }),
      ...(args.context !== undefined && { kubeContext: args.context }),
      ...(args.monitoring !== undefined && { monitoring: args.monitoring }),
    };
  }

  /** What a Compose stack may hold here: see {@link StackSupport}. */
  readonly stackSupport: StackSupport = kubernetesStackSupport;

  /** `<serviceName>.<namespace>.svc.cluster.local`: the Service's name in the cluster's DNS. */
  serviceHost(serviceName: string): pulumi.Output<string> {
    return this.namespace.apply((ns) => `${serviceName}.${ns}.svc.cluster.local`);
  }

  /** Runs a service on the cluster: its objects are children of `parent`, in the cluster's namespace. */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    // Loaded on use: the workload imports nothing the renderer's users need.
    const { deployKubernetesWorkload } = require("./workload") as typeof import("./workload");
    return deployKubernetesWorkload(name, request, parent, this.connected());
  }

  /**
   * Deploys a `Monitoring` on the cluster, as children of `parent`: Google Cloud Managed Service for
   * Prometheus's rules and Alertmanager configuration (`kubernetes.stack: "managed"`, GKE's default), or
   * the Prometheus Operator stack in a namespace of its own (`"kube-prometheus-stack"`, the default
   * elsewhere). See docs/observability.md.
   *
   * @throws Error naming the arguments the cluster cannot honour, before anything is created.
   */
  deployMonitoring(
    name: string,
    request: MonitoringRequest,
    parent: pulumi.ComponentResource,
  ): MonitoringDeployment {
    const context = this.connected();
    // Loaded on use: a program without monitoring never loads it.
    const { deployKubernetesMonitoring } = require("./monitoring") as typeof import("./monitoring");
    return deployKubernetesMonitoring(name, request, parent, {
      cluster: `${this.#type} ${this.#name}`,
      gke: this.#gke,
      provider: context.provider,
      access: this.access,
      ...(context.monitoring !== undefined && { monitoring: context.monitoring }),
    });
  }

  /**
   * Makes room for a `Tenant`: its namespaces with Pod Security `restricted` enforced, a ResourceQuota,
   * a LimitRange, default-deny NetworkPolicies that let DNS and the tenant's own traffic through, its
   * owners' RoleBindings and its pull Secret, as children of `parent`; services deployed on the tenant
   * go to its first namespace.
   *
   * @throws `TenantArgumentsError` for a namespace that is Kubernetes' own, the cluster's, or another
   *   tenant's, before anything is created.
   */
  deployTenant(name: string, request: TenantRequest, parent: pulumi.ComponentResource): TenantPlacement {
    const { deployKubernetesTenant } = require("./tenant") as typeof import("./tenant");
    return deployKubernetesTenant(name, request, parent, {
      context: this.connected(),
      clusterNamespace: this.#namespaceName,
      claimed: this.#tenantNamespaces,
    });
  }

  private connected(): KubernetesClusterContext {
    if (!this.#context) {
      throw new Error(`KubernetesCluster ${this.#name} is not connected: a subclass must call connect()`);
    }
    return this.#context;
  }

  /** Runs a log agent on every node, as a DaemonSet in the cluster's namespace (used by `Logging`). */
  deployLogging(name: string, request: LoggingRequest, parent: pulumi.ComponentResource): LoggingDeployment {
    if (!this.#context) {
      throw new Error(`KubernetesCluster ${this.#name} is not connected: a subclass must call connect()`);
    }
    const { deployKubernetesLogging } = require("./logging") as typeof import("./logging");
    return deployKubernetesLogging(name, request, parent, this.#context);
  }
}
