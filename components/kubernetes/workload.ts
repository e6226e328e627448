import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceEndpoint, Workload, WorkloadRequest } from "../cluster";
import type { NormalizedService } from "../spec";
import type { Deployment } from "kubernetes-types/apps/v1";
import {
  type KubernetesObject,
  type KubernetesObjectNames,
  renderKubernetes,
} from "../spec/render/kubernetes";
import type { KubernetesClusterContext } from "./context";
import { endpointsOf, loadBalancerAddress } from "./endpoints";
import {
  configFiles,
  type NamedObject,
  type ObjectFactory,
  registrySecret,
  secretEnvSecret,
  secretFiles,
} from "./files";
import { combine, record } from "../outputs";
import { createObject, placedIn, type WorkloadResource } from "./objects";
import { canaryDeployment, canaryRelease, stableDeployment } from "./release";
import { KubernetesRollout } from "../../provider/kubernetes/rollout-resource";

/** Arguments of {@link KubernetesWorkload}, which a {@link KubernetesCluster} passes for each service. */
export interface KubernetesWorkloadArgs {
  /** The service and its secrets. */
  request: WorkloadRequest;
  /** The cluster it runs on. */
  context: KubernetesClusterContext;
}

type PodController = k8s.apps.v1.Deployment | k8s.apps.v1.DaemonSet | k8s.batch.v1.Job;

const controllerKinds = new Set(["Deployment", "DaemonSet", "Job"]);
/** Tells the Kubernetes provider not to wait: a {@link KubernetesRollout} waits, and rolls back. */
const skipAwait = { "pulumi.com/skipAwait": "true" };

const namesOf = <T>(objects: Map<string, NamedObject<T>>) =>
  record([...objects].map(([source, o]): [string, pulumi.Output<string>] => [source, o.objectName]));

/**
 * One portable service on a Kubernetes cluster, in the cluster's namespace and through its provider,
 * as `renderKubernetes` describes it:
 *
 * - its Deployment (replicated), DaemonSet (global) or Job (job), running as its own ServiceAccount that
 *   mounts no API token, with the renderer's secure container defaults;
 * - a ClusterIP Service (headless for `dnsrr`) for its ports, reached as
 *   `<service>.<namespace>.svc.cluster.local`, and a `<service>-public` LoadBalancer Service for public
 *   ports that are not HTTP-routed; an Ingress for HTTP-routed ports;
 * - a HorizontalPodAutoscaler for `autoscale`, a PodDisruptionBudget when more than one replica runs;
 * - a NetworkPolicy that denies ingress except from the stack's pods to the declared ports and from
 *   anywhere to public ports;
 * - `secretEnv` and each secret file created with the service in an immutable Secret, each config file
 *   in an immutable ConfigMap, and registry credentials in a `kubernetes.io/dockerconfigjson` Secret the
 *   pods pull with. Their names carry a digest of their content (an HMAC under the cluster's secret salt
 *   for Secrets), so new content creates a new object and rolls the pods onto it; values are Pulumi
 *   secrets.
 *
 * Creating and updating may take the request's `timeoutSeconds`.
 *
 * @throws `SpecError` at construction, naming the service and each field Kubernetes cannot honour.
 */
export class KubernetesWorkload extends pulumi.ComponentResource {
  /** The workload's ID. */
  declare readonly serviceId: pulumi.Output<string>;
  /** The name the cluster knows the service by. */
  declare readonly serviceName: pulumi.Output<string>;
  /** One entry per port: the cluster DNS name, and the public address once the cloud assigned one. */
  declare readonly endpoints: pulumi.Output<ServiceEndpoint[]>;
  /** The Deployment, DaemonSet or Job that runs the pods. */
  readonly controller: PodController;
  /** The Deployment of a replicated service. */
  readonly deployment?: k8s.apps.v1.Deployment;
  /** The `<service>-canary` Deployment of a service with `update.canary`. */
  readonly canary?: k8s.apps.v1.Deployment;
  /** Waits for a Deployment's or DaemonSet's rollout and rolls a failed one back. */
  readonly rollout?: KubernetesRollout;
  /** Every object rendered from the service, by kind and name (`Service/web-public`). */
  readonly resources: Map<string, WorkloadResource>;
  /** The Secrets and ConfigMaps holding the service's secret variables, files and registry credentials. */
  readonly secrets: k8s.core.v1.Secret[];
  /** The ConfigMaps of the service's config files. */
  readonly configMaps: k8s.core.v1.ConfigMap[];
  /** The objects as rendered from the resolved service, with the names of its Secrets and ConfigMaps. */
  readonly objects: pulumi.Output<KubernetesObject[]>;

  constructor(name: string, args: KubernetesWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:kubernetes:KubernetesWorkload", name, {}, opts);
    const { request, context } = args;
    const n = request.preview;
    const partOf = context.partOf;
    // Refusals fail the preview, before anything exists.
    const peerAccess = request.peerAccess;
    const placement = {
      partOf,
      peerAccess,
      monitoring: context.monitoring,
      podSecurity: context.podSecurity,
      nodeSelector: context.nodeSelector,
      peerNamespaces: context.peerNamespaces,
    };
    const planned = renderKubernetes(n, {
      ...placement,
      onIgnored: (issue) => pulumi.log.warn(`service ${n.name}: ${issue.path} ${issue.message}`, this),
    });
    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const timeout = `${request.timeoutSeconds}s`;
    const child: pulumi.CustomResourceOptions = {
      parent: this,
      provider: context.provider,
      customTimeouts: { create: timeout, update: timeout },
    };
    const factory: ObjectFactory = {
      sdk,
      name,
      serviceName: n.name,
      namespace: context.namespace,
      salt: context.salt,
      labels: planned[0].metadata?.labels ?? {},
      opts: child,
    };

    const env = Object.keys(n.secretEnv).length > 0 ? secretEnvSecret(factory, request.secretEnv) : undefined;
    const secretFileObjects = secretFiles(factory, request.files.secrets);
    const configObjects = configFiles(factory, request.files.configs);
    const registry =
      request.registryAuth === undefined ? undefined : registrySecret(factory, request.registryAuth);
    const imagePullSecret = registry?.objectName ?? context.imagePullSecret;
    this.secrets = [env, ...secretFileObjects.values(), registry].flatMap((o) => (o ? [o.resource] : []));
    this.configMaps = [...configObjects.values()].map((o) => o.resource);

    const objectNames = combine(
      record([
        ["secretEnv", env?.objectName],
        ["imagePullSecret", imagePullSecret],
      ]),
      combine(namesOf(secretFileObjects), namesOf(configObjects), (secrets, configs) => ({
        secrets,
        configs,
      })),
      (single, files): KubernetesObjectNames => ({ ...single, ...files }),
    );
    this.objects = combine(request.service, objectNames, (service, names) =>
      renderKubernetes(service, { ...placement, objectNames: names }),
    );
    // Every object in the cluster's namespace, once for all of them.
    const placed = combine(this.objects, context.namespace, (all, namespace) =>
      all.map((o) => placedIn(o, namespace)),
    );

    this.resources = new Map();
    const create = (
      o: KubernetesObject,
      dependsOn: pulumi.Resource[],
      shape: (rendered: pulumi.Output<KubernetesObject>) => pulumi.Output<KubernetesObject> = (r) => r,
    ) => {
      const kind = o.kind as KubernetesObject["kind"] & string;
      const objectName = o.metadata?.name ?? n.name;
      const key = `${kind}/${objectName}`;
      const resolved = shape(placed.apply((all) => objectOf(all, kind, objectName)));
      const pulumiName = `${name}${objectName.slice(n.name.length)}`;
      const resource = createObject(sdk, pulumiName, kind, resolved, {
        ...child,
        dependsOn,
      });
      this.resources.set(key, resource);
      return resource;
    };
    // The rendered Secret of `secretEnv` holds names only: the one with the values is created above.
    const kept = planned.filter((o) => o.kind !== "Secret");
    const supporting = kept.filter((o) => !controllerKinds.has(o.kind ?? "")).map((o) => create(o, []));
    // Pods start only with their ServiceAccount, files and network rules in place.
    const controllerObject = kept.find((o) => controllerKinds.has(o.kind ?? "")) as KubernetesObject;
    const podPrerequisites = [
      ...supporting.filter(
        (r) => r instanceof sdk.core.v1.ServiceAccount || r instanceof sdk.networking.v1.NetworkPolicy,
      ),
      ...this.secrets,
      ...this.configMaps,
    ];
    const awaited = controllerObject.kind === "Deployment" || controllerObject.kind === "DaemonSet";
    const release =
      n.update.canary && controllerObject.kind === "Deployment"
        ? canaryRelease(
            name,
            {
              template: this.objects.apply((all) => deploymentOf(all, n.name).spec?.template ?? {}),
              canary: n.update.canary,
            },
            { parent: this },
          )
        : undefined;
    this.controller = create(controllerObject, podPrerequisites, (rendered) => {
      const shaped = release
        ? pulumi
            .all([rendered, release.stable])
            .apply(([main, stable]) => stableDeployment(main as Deployment, stable) as KubernetesObject)
        : rendered;
      return awaited ? shaped.apply(withSkipAwait) : shaped;
    }) as PodController;
    if (controllerObject.kind === "Deployment") this.deployment = this.controller as k8s.apps.v1.Deployment;
    if (release) {
      // The canary's own rollout is the provider's to wait for: a failed canary fails the update, and
      // the stable Deployment keeps serving.
      this.canary = createObject(
        sdk,
        `${name}-canary`,
        "Deployment",
        pulumi
          .all([placed, release.candidate, release.canaryReplicas])
          .apply(([all, candidate, replicas]) =>
            canaryDeployment(deploymentOf(all, n.name), candidate, replicas),
          ),
        { ...child, dependsOn: podPrerequisites },
      ) as k8s.apps.v1.Deployment;
    }
    if (awaited) {
      const controller = this.controller as k8s.apps.v1.Deployment | k8s.apps.v1.DaemonSet;
      this.rollout = new KubernetesRollout(
        name,
        {
          ...(context.kubeconfig !== undefined && { kubeconfig: context.kubeconfig }),
          ...(context.kubeContext !== undefined && { context: context.kubeContext }),
          namespace: controller.metadata.namespace,
          kind: controllerObject.kind as "Deployment" | "DaemonSet",
          workload: controller.metadata.name,
          uid: controller.metadata.apply(uidOf),
          template: controller.spec.template,
          failureAction: rolloutFailureAction(n),
          timeoutSeconds: request.timeoutSeconds,
        },
        { parent: this, dependsOn: [controller] },
      );
    }

    const publicService = this.resources.get(`Service/${n.name}-public`) as k8s.core.v1.Service | undefined;
    const ingress = this.resources.get(`Ingress/${n.name}`) as k8s.networking.v1.Ingress | undefined;
    this.serviceId = this.controller.id;
    this.serviceName = this.controller.metadata.name;
    const balancer = publicService ? loadBalancerAddress(publicService.status) : undefined;
    const routed = ingress ? loadBalancerAddress(ingress.status) : undefined;
    const addresses =
      balancer || routed
        ? record([
            ["loadBalancer", balancer],
            ["ingress", routed],
          ])
        : undefined;
    this.endpoints = combine(request.service, context.namespace, (service, namespace) =>
      addresses
        ? addresses.apply((found) => endpointsOf(service, namespace, found))
        : endpointsOf(service, namespace, {}),
    );
    this.registerOutputs({
      serviceId: this.serviceId,
      serviceName: this.serviceName,
      endpoints: this.endpoints,
    });
  }
}

/**
 * The workload's UID. A workload about to be created in a preview may have none yet (the provider could
 * not reach the cluster, which may itself be new): it is then unknown, as the engine shows it.
 */
function uidOf(metadata: { uid?: string }): string {
  if (metadata.uid !== undefined) return metadata.uid;
  return pulumi.runtime.isDryRun() ? (pulumi.unknown as unknown as string) : "";
}

function withSkipAwait(o: KubernetesObject): KubernetesObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, ...skipAwait } } };
}

/** Kubernetes has no "continue" (the renderer refuses it): a rollout either rolls back or stops. */
function rolloutFailureAction(n: NormalizedService): "rollback" | "pause" {
  return n.update.failureAction === "rollback" ? "rollback" : "pause";
}

function deploymentOf(objects: KubernetesObject[], name: string): Deployment {
  return objectOf(objects, "Deployment", name) as Deployment;
}

function objectOf(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  // The preview and the resolved service render the same objects: only values differ.
  if (!found) throw new Error(`the resolved service renders no ${kind} ${name}`);
  return found;
}

/** What a Kubernetes cluster made of a service: the portable outputs and the component itself. */
export interface KubernetesWorkloadResult extends Workload {
  /** The component that holds the service's objects. */
  component: KubernetesWorkload;
}

/**
 * Deploys one portable service on a Kubernetes cluster, as a {@link KubernetesWorkload} child of
 * `parent`: what `KubernetesCluster.deployWorkload` does.
 *
 * @throws {@link SpecError} when the service asks for what Kubernetes cannot honour.
 */
export function deployKubernetesWorkload(
  name: string,
  request: WorkloadRequest,
  parent: pulumi.Resource,
  context: KubernetesClusterContext,
): KubernetesWorkloadResult {
  const component = new KubernetesWorkload(name, { request, context }, { parent });
  return {
    serviceId: component.serviceId,
    serviceName: component.serviceName,
    endpoints: component.endpoints,
    component,
  };
}
