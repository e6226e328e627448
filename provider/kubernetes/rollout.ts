import type * as pulumi from "@pulumi/pulumi";
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { engineLog } from "../shared/log";
import { isUnknown } from "../shared/unknowns";
import { daemonSetRollout, deploymentRollout, revisionsOf, type RolloutState } from "./rollout-state";
import { daemonSetUndo, deploymentUndo, revisionAnnotation, templatePatch } from "./rollout-undo";
import { waitForRollout } from "./rollout-wait";
import { sameJson, templateMatches, withoutHashLabel } from "./template-match";
import { selectorQuery, type WorkloadApi, workloadApi, type WorkloadKind } from "./workload-api";

export interface RolloutInputs {
  /** Secret. Absent: the ambient kubeconfig. */
  kubeconfig?: string;
  context?: string;
  namespace: string;
  kind: WorkloadKind;
  /** The workload's name. */
  workload: string;
  /** The workload's metadata.uid: the object this resource watches, and no other. */
  uid: string;
  /** The desired pod template. */
  template: PodTemplateSpec;
  failureAction: "rollback" | "pause";
  timeoutSeconds: number;
}

export interface RolloutOutputs extends RolloutInputs {
  /** The workload's revision once rolled out (its ReplicaSet's or ControllerRevision's number). */
  revision: number;
}

type Failure = { property: string; reason: string };

const kinds: string[] = ["Deployment", "DaemonSet"];
const failureActions: string[] = ["rollback", "pause"];
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Whether a known template has containers, or may have them once its unknown parts are known: at
 * preview `spec`, or `spec.containers`, may still be the engine's placeholder.
 */
function podTemplateMayHaveContainers(template: unknown): boolean {
  if (!isObject(template)) return false;
  const spec = template.spec;
  if (isUnknown(spec)) return true;
  if (!isObject(spec)) return false;
  const containers = spec.containers;
  return isUnknown(containers) || (Array.isArray(containers) && containers.length > 0);
}

/** Problems with the known inputs; a value not known yet (preview) is judged once it is. */
function inputProblems(news: RolloutInputs): Failure[] {
  const failures: Failure[] = [];
  const known = (field: keyof RolloutInputs) => !isUnknown(news[field]);
  const optionalText = (field: "kubeconfig" | "context") => {
    const value: unknown = news[field];
    if (value !== undefined && known(field) && (typeof value !== "string" || value === ""))
      failures.push({ property: field, reason: "must be a non-empty string when given" });
  };
  optionalText("kubeconfig");
  optionalText("context");
  if (
    known("namespace") &&
    !(typeof news.namespace === "string" && dnsLabel.test(news.namespace) && news.namespace.length <= 63)
  )
    failures.push({
      property: "namespace",
      reason: "must be a namespace name (a DNS label of at most 63 characters)",
    });
  if (known("kind") && !kinds.includes(news.kind))
    failures.push({ property: "kind", reason: 'must be "Deployment" or "DaemonSet"' });
  if (
    known("workload") &&
    !(typeof news.workload === "string" && dnsSubdomain.test(news.workload) && news.workload.length <= 253)
  )
    failures.push({ property: "workload", reason: "must be the workload's name (a DNS subdomain)" });
  if (known("uid") && !(typeof news.uid === "string" && news.uid !== ""))
    failures.push({ property: "uid", reason: "must be the workload's metadata.uid" });
  if (known("template") && !podTemplateMayHaveContainers(news.template))
    failures.push({ property: "template", reason: "must be a pod template with spec.containers" });
  if (known("failureAction") && !failureActions.includes(news.failureAction))
    failures.push({ property: "failureAction", reason: 'must be "rollback" or "pause"' });
  if (known("timeoutSeconds") && !(typeof news.timeoutSeconds === "number" && news.timeoutSeconds > 0))
    failures.push({ property: "timeoutSeconds", reason: "must be a positive number of seconds" });
  return failures;
}

function describe(inputs: RolloutInputs): string {
  return `${inputs.kind} ${inputs.workload} (namespace ${inputs.namespace})`;
}

function apiFor(inputs: RolloutInputs): Promise<WorkloadApi> {
  return workloadApi(
    { kubeconfig: inputs.kubeconfig, context: inputs.context },
    { kind: inputs.kind, namespace: inputs.namespace, name: inputs.workload },
  );
}

/** The workload, refused unless it is the very object (by UID) this resource was made for. */
async function requireWorkload(api: WorkloadApi, inputs: RolloutInputs): Promise<Deployment | DaemonSet> {
  const live = await api.read();
  const what = describe(inputs);
  if (!live) {
    throw new Error(
      `${what} does not exist in the cluster the kubeconfig reaches; point kubeconfig or context at the cluster the workload was deployed to`,
    );
  }
  if (live.metadata?.uid !== inputs.uid) {
    throw new Error(
      `${what} in the cluster the kubeconfig reaches has uid ${live.metadata?.uid}, not ${inputs.uid} (the object this stack deployed): ` +
        "the kubeconfig or context reaches another cluster, or the workload was deleted and created again; nothing was changed",
    );
  }
  return live;
}

async function observe(api: WorkloadApi, inputs: RolloutInputs, selector: string): Promise<RolloutState> {
  const [live, history, pods] = await Promise.all([
    requireWorkload(api, inputs),
    api.history(selector),
    api.pods(selector),
  ]);
  return inputs.kind === "Deployment"
    ? deploymentRollout(live as Deployment, history as ReplicaSet[], pods)
    : daemonSetRollout(live as DaemonSet, history as ControllerRevision[], pods);
}

async function currentRevision(api: WorkloadApi, inputs: RolloutInputs, selector: string): Promise<number> {
  const live = await requireWorkload(api, inputs);
  if (inputs.kind === "Deployment") return Number(live.metadata?.annotations?.[revisionAnnotation] ?? 0) || 0;
  return (
    revisionsOf(live as DaemonSet, (await api.history(selector)) as ControllerRevision[])[0]?.revision ?? 0
  );
}

/**
 * Brings the workload to the desired template (again, when the live one differs: after an earlier
 * rollback) and waits for its rollout. A failed rollout is undone as `kubectl rollout undo` does when
 * the failure action is `rollback`, waited for, and reported as a failure either way.
 */
async function rollOut(inputs: RolloutInputs): Promise<RolloutOutputs> {
  const what = describe(inputs);
  const log = (line: string) => engineLog("info", `${what}: ${line}`);
  const api = await apiFor(inputs);
  const live = await requireWorkload(api, inputs);
  if (!templateMatches(inputs.template, live.spec?.template)) {
    log(
      "the live pod template differs from the desired one (rolled back earlier?); applying the desired template",
    );
    await api.patch(templatePatch(inputs.uid, inputs.template));
  }
  const selector = selectorQuery(live.spec?.selector);
  const wait = () =>
    waitForRollout(() => observe(api, inputs, selector), {
      timeoutMs: inputs.timeoutSeconds * 1000,
      progress: log,
    });
  const outcome = await wait();
  if (outcome.phase === "complete") {
    return { ...inputs, revision: await currentRevision(api, inputs, selector) };
  }
  const failure = `${what}: the rollout failed: ${outcome.problems.join("; ")}`;
  if (inputs.failureAction === "pause") {
    throw new Error(
      `${failure}; left as it is (failureAction pause): fix the cause and run the update again`,
    );
  }
  const [now, history] = await Promise.all([requireWorkload(api, inputs), api.history(selector)]);
  const plan =
    inputs.kind === "Deployment"
      ? deploymentUndo(now as Deployment, history as ReplicaSet[])
      : daemonSetUndo(now as DaemonSet, history as ControllerRevision[]);
  if ("refusal" in plan) throw new Error(`${failure}; not rolled back: ${plan.refusal}`);
  log(`rolling back to revision ${plan.revision}`);
  await api.patch(plan.patch);
  const back = await wait();
  if (back.phase === "complete") throw new Error(`${failure}; rolled back to revision ${plan.revision}`);
  throw new Error(
    `${failure}; rolled back to revision ${plan.revision}, but that rollout did not complete either: ${back.problems.join("; ")}`,
  );
}

/** Inputs whose change means another object: the resource is replaced (nothing is deleted in the cluster). */
const identity = ["uid", "kind", "namespace", "workload"] as const;
const compared = [
  ...identity,
  "template",
  "failureAction",
  "timeoutSeconds",
  "kubeconfig",
  "context",
] as const;

/**
 * Waits for a Deployment's or DaemonSet's rollout and, with failure action `rollback`, undoes a failed
 * one. The workload itself belongs to its Kubernetes resource: this one creates and deletes nothing.
 * A failed create or update leaves no new state, so the next update waits (and re-applies) again.
 */
export const rolloutProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RolloutInputs, news: RolloutInputs) {
    return { inputs: news, failures: inputProblems(news) };
  },

  async diff(_id: string, olds: RolloutOutputs, news: RolloutInputs) {
    const replaces = identity.filter(
      (field) => !isUnknown(news[field]) && !sameJson(olds[field], news[field]),
    );
    const changes = compared.some((field) => isUnknown(news[field]) || !sameJson(olds[field], news[field]));
    return { changes: changes || replaces.length > 0, replaces };
  },

  async create(inputs: RolloutInputs) {
    return { id: inputs.uid, outs: await rollOut(inputs) };
  },

  async update(_id: string, _olds: RolloutOutputs, news: RolloutInputs) {
    return { outs: await rollOut(news) };
  },

  /**
   * Refresh: a workload gone (or another object under its name) is reported gone; a live template
   * other than the desired one (rolled back, or changed by hand) is reported, so the next update
   * applies the desired one again.
   */
  async read(id: string, props: RolloutOutputs) {
    if (props.uid === undefined) {
      throw new Error(
        `rollout ${id}: import is not supported; the rollout is created with its workload by the Kubernetes workload component`,
      );
    }
    const api = await apiFor(props);
    const live = await api.read();
    if (!live || live.metadata?.uid !== props.uid) return {};
    const template = templateMatches(props.template, live.spec?.template)
      ? props.template
      : withoutHashLabel(live.spec?.template);
    return { id, props: { ...props, template } };
  },
};
