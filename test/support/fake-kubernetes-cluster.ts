/**
 * The objects behind the fake Kubernetes API server (fake-kubernetes.ts) and the controllers that move
 * them: a Deployment controller (one ReplicaSet per template, revisions as annotations, a template seen
 * before reusing its ReplicaSet under a new revision) and a DaemonSet controller (ControllerRevisions),
 * with kubelets whose pods start or fail as the test scripts them. Time is compressed: a second of
 * minReadySeconds or progressDeadlineSeconds lasts `secondMs`.
 */
import { createHash, randomUUID } from "crypto";
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod, PodTemplateSpec, Secret } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";

/** What the pods of a template do, decided by the image of its first container. */
export type PodOutcome =
  | "ready"
  | "unschedulable"
  /** A container stuck waiting: ImagePullBackOff, CrashLoopBackOff, ... */
  | { waiting: string; message?: string; lastExitCode?: number };

export interface ClusterOptions {
  /** Default: every pod becomes ready. */
  outcome?: (image: string) => PodOutcome;
  /** How long a controller step takes. Default: 60. */
  stepMs?: number;
  /** How long a second of the workloads' settings lasts. Default: 20. */
  secondMs?: number;
  /** Nodes a DaemonSet runs a pod on. Default: 2. */
  nodes?: number;
}

type Workload = Deployment | DaemonSet;
/** Objects as the API server writes them (kubernetes-types marks some fields read-only). */
type Writable<T> = { -readonly [K in keyof T]: T[K] };
const writable = <T>(value: T) => value as Writable<T>;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const hashLabel = "pod-template-hash";
const revisionHashLabel = "controller-revision-hash";
const revisionAnnotation = "deployment.kubernetes.io/revision";

function templateHash(template: PodTemplateSpec): string {
  return createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 10);
}

function withoutHash(template: PodTemplateSpec | undefined): string {
  const copy = clone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[hashLabel];
  return JSON.stringify(copy);
}

/** What the API server fills into a pod template it stores. */
export function defaultTemplate(template: PodTemplateSpec): PodTemplateSpec {
  const t = clone(template);
  t.metadata = { creationTimestamp: null as unknown as string, ...t.metadata };
  const spec = t.spec!;
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  for (const c of spec.containers) {
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    c.imagePullPolicy ??=
      /:[^/:]+$/.test(c.image ?? "") && !c.image?.endsWith(":latest") ? "IfNotPresent" : "Always";
    c.resources ??= {};
  }
  return t;
}

export class FakeCluster {
  readonly deployments = new Map<string, Deployment>();
  readonly daemonSets = new Map<string, DaemonSet>();
  readonly replicaSets: ReplicaSet[] = [];
  readonly revisions: ControllerRevision[] = [];
  pods: Pod[] = [];
  /** Secrets, as Helm's storage writes them (see fake-helm.ts). */
  secrets: Secret[] = [];
  private resourceVersion = 1;
  private readonly timers = new Set<NodeJS.Timeout>();
  private held: (() => void)[] | undefined;
  private readonly options: Required<ClusterOptions>;

  constructor(options: ClusterOptions = {}) {
    this.options = { outcome: () => "ready", stepMs: 60, secondMs: 20, nodes: 2, ...options };
  }

  nextVersion(): string {
    return String(++this.resourceVersion);
  }

  private meta(namespace: string, name: string, labels: Record<string, string>): ObjectMeta {
    return {
      name,
      namespace,
      uid: randomUUID(),
      resourceVersion: this.nextVersion(),
      generation: 1,
      creationTimestamp: new Date(Date.now() + this.resourceVersion).toISOString(),
      labels,
    };
  }

  addDeployment(args: {
    namespace: string;
    name: string;
    template: PodTemplateSpec;
    replicas?: number;
    minReadySeconds?: number;
    progressDeadlineSeconds?: number;
  }): Deployment {
    const labels = args.template.metadata?.labels ?? {};
    const deployment: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { ...this.meta(args.namespace, args.name, labels), annotations: {} },
      spec: {
        replicas: args.replicas ?? 2,
        selector: { matchLabels: labels },
        template: defaultTemplate(args.template),
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        minReadySeconds: args.minReadySeconds ?? 0,
        progressDeadlineSeconds: args.progressDeadlineSeconds ?? 600,
        revisionHistoryLimit: 10,
      },
      status: {},
    };
    this.deployments.set(`${args.namespace}/${args.name}`, deployment);
    this.observeDeployment(deployment, true);
    return deployment;
  }

  addDaemonSet(args: { namespace: string; name: string; template: PodTemplateSpec }): DaemonSet {
    const labels = args.template.metadata?.labels ?? {};
    const daemonSet: DaemonSet = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: this.meta(args.namespace, args.name, labels),
      spec: {
        selector: { matchLabels: labels },
        template: defaultTemplate(args.template),
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
    };
    this.daemonSets.set(`${args.namespace}/${args.name}`, daemonSet);
    this.observeDaemonSet(daemonSet, true);
    return daemonSet;
  }

  /** A new spec stored (by the API or a test): the generation moves on and the controller takes it up. */
  specChanged(workload: Workload): void {
    writable(workload.metadata!).generation = (workload.metadata!.generation ?? 1) + 1;
    writable(workload.metadata!).resourceVersion = this.nextVersion();
    const generation = workload.metadata!.generation;
    this.later(this.options.stepMs, () => {
      if (workload.metadata!.generation !== generation) return;
      if (workload.kind === "Deployment") this.observeDeployment(workload as Deployment, false);
      else this.observeDaemonSet(workload as DaemonSet, false);
    });
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Holds the controllers: steps coming due wait until {@link release}. */
  hold(): void {
    this.held ??= [];
  }

  /** Lets the controllers go on, with the steps that came due while held. */
  release(): void {
    const due = this.held ?? [];
    this.held = undefined;
    for (const work of due) work();
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.held) this.held.push(work);
      else work();
    }, ms);
    this.timers.add(timer);
  }

  private owner(kind: string, meta: ObjectMeta) {
    return [
      {
        apiVersion: "apps/v1",
        kind,
        name: meta.name!,
        uid: meta.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }

  private pod(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    owner: ReturnType<FakeCluster["owner"]>,
    template: PodTemplateSpec,
  ): Pod {
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...this.meta(namespace, `${name}-${randomUUID().slice(0, 5)}`, labels),
        ownerReferences: owner,
      },
      spec: clone(template.spec!),
      status: {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: template.spec!.containers.map((c) => ({
          name: c.name,
          image: c.image!,
          imageID: "",
          ready: false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: "ContainerCreating" } },
        })),
      },
    };
  }

  /** Moves a new pod to where its outcome leads. */
  private settlePod(pod: Pod): void {
    const image = pod.spec!.containers[0]!.image ?? "";
    const outcome = this.options.outcome(image);
    const status = pod.status!;
    if (outcome === "ready") {
      status.phase = "Running";
      status.conditions = [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: "True" },
      ];
      for (const c of status.containerStatuses ?? []) {
        c.ready = true;
        c.started = true;
        c.state = { running: { startedAt: new Date().toISOString() } };
      }
    } else if (outcome === "unschedulable") {
      status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 3 Insufficient cpu.",
        },
      ];
      delete status.containerStatuses;
    } else {
      if (outcome.waiting === "CrashLoopBackOff") status.phase = "Running";
      for (const c of status.containerStatuses ?? []) {
        c.restartCount = outcome.lastExitCode === undefined ? 0 : 3;
        c.state = {
          waiting: { reason: outcome.waiting, ...(outcome.message && { message: outcome.message }) },
        };
        if (outcome.lastExitCode !== undefined)
          c.lastState = { terminated: { exitCode: outcome.lastExitCode, reason: "Error" } };
      }
    }
    writable(pod.metadata!).resourceVersion = this.nextVersion();
  }

  private isReady(pod: Pod): boolean {
    return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  }

  private ownedBy(uid: string | undefined) {
    return (o: { metadata?: ObjectMeta }) => o.metadata?.ownerReferences?.some((r) => r.uid === uid) ?? false;
  }

  /** The Deployment controller taking up the current template; `instant` settles at once (a first deploy). */
  private observeDeployment(d: Deployment, instant: boolean): void {
    const namespace = d.metadata!.namespace!;
    const owned = this.replicaSets.filter(this.ownedBy(d.metadata!.uid));
    const maxRevision = Math.max(
      0,
      ...owned.map((rs) => Number(rs.metadata!.annotations![revisionAnnotation])),
    );
    let rs = owned.find((r) => withoutHash(r.spec!.template) === withoutHash(d.spec!.template));
    const revision = String(maxRevision + 1);
    if (rs) {
      if (Number(rs.metadata!.annotations![revisionAnnotation]) !== maxRevision)
        rs.metadata!.annotations![revisionAnnotation] = revision;
    } else {
      const hash = templateHash(d.spec!.template);
      const template = clone(d.spec!.template);
      template.metadata!.labels = { ...template.metadata!.labels, [hashLabel]: hash };
      rs = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          ...this.meta(namespace, `${d.metadata!.name}-${hash}`, template.metadata!.labels),
          annotations: { [revisionAnnotation]: revision },
          ownerReferences: this.owner("Deployment", d.metadata!),
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { ...d.spec!.selector.matchLabels, [hashLabel]: hash } },
          template,
        },
      };
      this.replicaSets.push(rs);
    }
    const current = rs;
    d.metadata!.annotations = {
      ...d.metadata!.annotations,
      [revisionAnnotation]: current.metadata!.annotations![revisionAnnotation]!,
    };
    const replicas = d.spec!.replicas ?? 1;
    const oldPods = this.pods.filter((p) =>
      owned.some((o) => o !== current && this.ownedBy(o.metadata!.uid)(p)),
    );
    // A ReplicaSet taken up again (a rollback) still runs its pods: only the missing ones are made.
    const kept = this.pods.filter(this.ownedBy(current.metadata!.uid)).slice(0, replicas);
    this.pods = this.pods.filter((p) => !this.ownedBy(current.metadata!.uid)(p) || kept.includes(p));
    const fresh = Array.from({ length: replicas - kept.length }, () =>
      this.pod(
        namespace,
        current.metadata!.name!,
        current.spec!.template!.metadata!.labels!,
        this.owner("ReplicaSet", current.metadata!),
        current.spec!.template!,
      ),
    );
    this.pods.push(...fresh);
    current.spec!.replicas = replicas;
    const readyNow = [...oldPods, ...kept].filter((p) => this.isReady(p)).length;
    const generation = d.metadata!.generation!;
    d.status = {
      observedGeneration: generation,
      replicas: oldPods.length + replicas,
      updatedReplicas: replicas,
      readyReplicas: readyNow,
      availableReplicas: readyNow,
      conditions: [
        {
          type: "Progressing",
          status: "True",
          reason: "ReplicaSetUpdated",
          message: `ReplicaSet "${current.metadata!.name}" is progressing.`,
        },
      ],
    };
    const settle = () => {
      if (d.metadata!.generation !== generation) return;
      for (const pod of fresh) this.settlePod(pod);
      if (!fresh.every((p) => this.isReady(p))) {
        this.later(d.spec!.progressDeadlineSeconds! * this.options.secondMs, () => {
          if (d.metadata!.generation !== generation) return;
          d.status!.conditions = [
            {
              type: "Progressing",
              status: "False",
              reason: "ProgressDeadlineExceeded",
              message: `ReplicaSet "${current.metadata!.name}" has timed out progressing.`,
            },
          ];
        });
        return;
      }
      this.later(instant ? 0 : (d.spec!.minReadySeconds ?? 0) * this.options.secondMs, () => {
        if (d.metadata!.generation !== generation) return;
        this.pods = this.pods.filter((p) => !oldPods.includes(p));
        for (const old of owned) if (old !== current) old.spec!.replicas = 0;
        d.status = {
          observedGeneration: generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [
            { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
            {
              type: "Progressing",
              status: "True",
              reason: "NewReplicaSetAvailable",
              message: `ReplicaSet "${current.metadata!.name}" has successfully progressed.`,
            },
          ],
        };
        writable(d.metadata!).resourceVersion = this.nextVersion();
      });
    };
    if (instant) settle();
    else this.later(this.options.stepMs, settle);
  }

  /** The DaemonSet controller taking up the current template: one pod per node, replaced one at a time. */
  private observeDaemonSet(ds: DaemonSet, instant: boolean): void {
    const namespace = ds.metadata!.namespace!;
    const owned = this.revisions.filter(this.ownedBy(ds.metadata!.uid));
    const maxRevision = Math.max(0, ...owned.map((r) => r.revision));
    const stored = { ...clone(ds.spec!.template), $patch: "replace" };
    let revision = owned.find(
      (r) =>
        JSON.stringify((r.data as { spec: { template: unknown } }).spec.template) === JSON.stringify(stored),
    );
    if (revision) {
      if (revision.revision !== maxRevision) revision.revision = maxRevision + 1;
    } else {
      const hash = templateHash(ds.spec!.template);
      revision = {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: {
          ...this.meta(namespace, `${ds.metadata!.name}-${hash}`, {
            ...ds.spec!.template.metadata!.labels,
            [revisionHashLabel]: hash,
          }),
          ownerReferences: this.owner("DaemonSet", ds.metadata!),
        },
        revision: maxRevision + 1,
        data: { spec: { template: stored } },
      };
      this.revisions.push(revision);
    }
    const hash = revision.metadata!.labels![revisionHashLabel]!;
    const nodes = this.options.nodes;
    const mine = this.pods.filter(this.ownedBy(ds.metadata!.uid));
    const currentPods = mine.filter((p) => p.metadata!.labels![revisionHashLabel] === hash);
    const oldPods = mine.filter((p) => !currentPods.includes(p));
    const newPod = () =>
      this.pod(
        namespace,
        ds.metadata!.name!,
        { ...ds.spec!.template.metadata!.labels, [revisionHashLabel]: hash },
        this.owner("DaemonSet", ds.metadata!),
        ds.spec!.template,
      );
    const missing = nodes - currentPods.length;
    // maxUnavailable 1: one old pod goes and a new one takes its node; the rest follow once it is ready.
    const first = Array.from({ length: instant ? missing : Math.min(1, missing) }, newPod);
    const removed = oldPods.slice(0, first.length);
    this.pods = this.pods.filter((p) => !removed.includes(p));
    this.pods.push(...first);
    const generation = ds.metadata!.generation!;
    const readyNow = [...currentPods, ...oldPods.slice(first.length)].filter((p) => this.isReady(p)).length;
    writable(ds).status = {
      observedGeneration: generation,
      desiredNumberScheduled: nodes,
      currentNumberScheduled: nodes,
      numberMisscheduled: 0,
      updatedNumberScheduled: currentPods.length + first.length,
      numberReady: readyNow,
      numberAvailable: readyNow,
      numberUnavailable: nodes - readyNow,
    };
    const settle = () => {
      if (ds.metadata!.generation !== generation) return;
      for (const pod of first) this.settlePod(pod);
      if (!first.every((p) => this.isReady(p))) return;
      this.later(instant ? 0 : (ds.spec!.minReadySeconds ?? 0) * this.options.secondMs, () => {
        if (ds.metadata!.generation !== generation) return;
        const rest = Array.from({ length: missing - first.length }, newPod);
        for (const pod of rest) this.settlePod(pod);
        this.pods = this.pods.filter((p) => !oldPods.includes(p));
        this.pods.push(...rest);
        writable(ds).status = {
          ...ds.status!,
          updatedNumberScheduled: nodes,
          numberReady: nodes,
          numberAvailable: nodes,
          numberUnavailable: 0,
        };
        writable(ds.metadata!).resourceVersion = this.nextVersion();
      });
    };
    if (instant) settle();
    else this.later(this.options.stepMs, settle);
  }
}
