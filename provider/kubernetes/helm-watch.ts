/**
 * Follows a Helm release while Helm installs or upgrades it: reports its workloads' progress, and when
 * Helm gives up (and rolls back), fails naming what the pods said. Helm's own wait decides the
 * outcome and its atomic rollback undoes a failed upgrade; this only watches, beside it, creating and
 * deleting nothing.
 */
import { createHash } from "crypto";
import { setTimeout as sleep } from "timers/promises";
import type { Secret } from "kubernetes-types/core/v1";
import type * as pulumi from "@pulumi/pulumi";
import { isDnsLabel } from "../shared/dns-label";
import { engineLog } from "../shared/log";
import { isUnknown } from "../shared/unknowns";
import {
  canonicalValues,
  decodeReleaseRecord,
  manifestWorkloads,
  type ReleaseRecord,
  type ReleaseWorkload,
} from "./helm-storage";
import { type ObservedWorkload, type ReleaseApi, releaseApi } from "./release-api";
import { daemonSetRollout, deploymentRollout, type RolloutState, statefulSetRollout } from "./rollout-state";
import { sameJson } from "./template-match";

export interface HelmWatchInputs {
  /** Secret. Absent: the ambient kubeconfig. */
  kubeconfig?: string;
  context?: string;
  namespace: string;
  /** The Helm release's name. */
  release: string;
  /** The chart version being installed. */
  chartVersion: string;
  /** {@link valuesDigest} of the values being installed: how the wait knows Helm's record of them. */
  valuesDigest: string;
  /** Helm's own timeout. */
  timeoutSeconds: number;
  /** How long Helm may take to record the install or upgrade (fetching and rendering the chart). */
  startSeconds: number;
}

export interface HelmWatchOutputs extends HelmWatchInputs {
  /** The release's revision that was followed to the end. */
  revision: number;
}

/** The digest of chart values that a wait compares with Helm's record of them. */
export function valuesDigest(values: unknown): string {
  return createHash("sha256").update(canonicalValues(values)).digest("hex");
}

type Failure = { property: string; reason: string };

function inputProblems(news: HelmWatchInputs): Failure[] {
  const failures: Failure[] = [];
  const known = (field: keyof HelmWatchInputs) => !isUnknown(news[field]);
  for (const field of ["kubeconfig", "context"] as const) {
    const value: unknown = news[field];
    if (value !== undefined && known(field) && (typeof value !== "string" || value === ""))
      failures.push({ property: field, reason: "must be a non-empty string when given" });
  }
  if (known("namespace") && !isDnsLabel(news.namespace))
    failures.push({ property: "namespace", reason: "must be a namespace name (a DNS label)" });
  if (known("release") && !(isDnsLabel(news.release) && news.release.length <= 53))
    failures.push({
      property: "release",
      reason: "must be a release name (a DNS label of at most 53 characters)",
    });
  if (known("chartVersion") && !(typeof news.chartVersion === "string" && news.chartVersion !== ""))
    failures.push({ property: "chartVersion", reason: "must be the chart's version" });
  if (
    known("valuesDigest") &&
    !(typeof news.valuesDigest === "string" && /^[0-9a-f]{64}$/.test(news.valuesDigest))
  )
    failures.push({ property: "valuesDigest", reason: "must be a SHA-256 digest in hex" });
  for (const field of ["timeoutSeconds", "startSeconds"] as const)
    if (known(field) && !(typeof news[field] === "number" && news[field] > 0))
      failures.push({ property: field, reason: "must be a positive number of seconds" });
  return failures;
}

/** A record of the release, with the digest of the values it holds. */
type Read = { record: ReleaseRecord; digest: string };

/**
 * Decoded records (and their values' digests) by Secret and version: a wait decodes and digests each
 * record once, however often it polls.
 */
type DecodedRecords = Map<string, Read>;

/** The release's records as read, newest first. */
function recordsOf(secrets: Secret[], decodedCache: DecodedRecords): Read[] {
  return secrets
    .filter((s) => typeof s.data?.release === "string")
    .map((s) => {
      const key = `${s.metadata?.uid}/${s.metadata?.resourceVersion}`;
      let read = decodedCache.get(key);
      if (!read) {
        const record = decodeReleaseRecord(s.data!.release!);
        read = { record, digest: valuesDigest(record.config) };
        decodedCache.set(key, read);
      }
      return read;
    })
    .sort((a, b) => b.record.revision - a.record.revision);
}

function workloadState(observed: ObservedWorkload): RolloutState {
  if (observed.kind === "Deployment")
    return deploymentRollout(observed.object, observed.replicaSets, observed.pods);
  if (observed.kind === "DaemonSet")
    return daemonSetRollout(observed.object, observed.revisions, observed.pods);
  return statefulSetRollout(observed.object, observed.pods);
}

/** Where the release's workloads stand: one progress line, and their pods' problems. */
async function observeWorkloads(
  api: ReleaseApi,
  workloads: ReleaseWorkload[],
): Promise<{ line: string; problems: string[] }> {
  const states = await Promise.all(
    workloads.map(async (ref) => ({ ref, observed: await api.workload(ref) })),
  );
  const waiting: string[] = [];
  const problems: string[] = [];
  let ready = 0;
  for (const { ref, observed } of states) {
    const label = `${ref.kind} ${ref.name}`;
    if (!observed) {
      waiting.push(`${label} not created yet`);
      continue;
    }
    const state = workloadState(observed);
    if (state.phase === "complete") ready++;
    else waiting.push(`${label}: ${state.progress}`);
    if (state.phase !== "complete") problems.push(...state.problems.map((p) => `${label}: ${p}`));
  }
  const count = `${ready} of ${workloads.length} workloads ready`;
  return { line: waiting.length > 0 ? `${count}; ${waiting.join("; ")}` : count, problems };
}

/** The newest record of these values and chart version, no older than the release's newest at `baseline`. */
function ourRecord(records: Read[], inputs: HelmWatchInputs, baseline: number): ReleaseRecord | undefined {
  return records.find(
    ({ record, digest }) =>
      record.revision >= baseline &&
      record.chartVersion === inputs.chartVersion &&
      digest === inputs.valuesDigest,
  )?.record;
}

/** The revision Helm rolled back to after `ours` failed, when it did (`--atomic`). */
function rolledBackTo(records: Read[], ours: ReleaseRecord): number | undefined {
  for (const { record } of records) {
    const rollback = /^Rollback to (\d+)/.exec(record.description);
    if (record.revision > ours.revision && rollback) return Number(rollback[1]);
  }
  return undefined;
}

export interface WatchOptions {
  /** The first pause between polls; it grows by half each time up to `maxPollMs`. Default: 250. */
  pollMs?: number;
  /** Default: 2000. */
  maxPollMs?: number;
}

/**
 * Follows the release until Helm records these values as deployed (its revision is returned) or
 * failed, reporting progress whenever it changes. Throws, naming what the pods said, when Helm failed
 * (and rolled back or uninstalled), or recorded nothing within `startSeconds`.
 */
export async function watchHelmRelease(inputs: HelmWatchInputs, options: WatchOptions = {}): Promise<number> {
  const what = `Helm release ${inputs.release} (namespace ${inputs.namespace})`;
  const log = (line: string) => engineLog("info", `${what}: ${line}`);
  const api = await releaseApi(
    { kubeconfig: inputs.kubeconfig, context: inputs.context },
    inputs.namespace,
    inputs.release,
  );
  const started = Date.now();
  const startDeadline = started + inputs.startSeconds * 1000;
  // Helm fails at its own timeout; a minute more covers its rollback.
  const deadline = startDeadline + (inputs.timeoutSeconds + 60) * 1000;
  const maxPollMs = options.maxPollMs ?? 2000;
  let pollMs = options.pollMs ?? 250;
  // Made here, not at module level: the provider is serialized into state, and a Map would not be.
  const decoded: DecodedRecords = new Map();
  const baseline = recordsOf(await api.records(), decoded)[0]?.record.revision ?? 0;
  let seen: ReleaseRecord | undefined;
  let lastLine = "";
  let lastProblems: string[] = [];
  const failed = (how: string) => {
    const said =
      lastProblems.length > 0
        ? `the pods said: ${lastProblems.join("; ")}`
        : `no pod reported a problem${lastLine ? `; last seen: ${lastLine}` : ""}`;
    return new Error(`${what}: ${how}; ${said}`);
  };
  for (;;) {
    const records = recordsOf(await api.records(), decoded);
    const ours = ourRecord(records, inputs, baseline);
    if (ours) seen = ours;
    if (ours?.status === "deployed" || ours?.status === "superseded") return ours.revision;
    if (ours?.status === "failed") {
      const back = rolledBackTo(records, ours);
      throw failed(
        `revision ${ours.revision} failed (${ours.description})` +
          (back !== undefined ? `; Helm rolled it back to revision ${back}` : ""),
      );
    }
    if (!ours && seen) {
      throw failed(
        `Helm removed revision ${seen.revision} after it failed (an atomic install is uninstalled)`,
      );
    }
    if (!ours && Date.now() > startDeadline) {
      throw new Error(
        `${what}: Helm recorded no install or upgrade of chart version ${inputs.chartVersion} with these values ` +
          `within ${inputs.startSeconds} s; the release's own error says why ` +
          "(Berth reads Helm's default Secret storage: a release kept in ConfigMaps cannot be followed)",
      );
    }
    if (ours) {
      const { line, problems } = await observeWorkloads(
        api,
        manifestWorkloads(ours.manifest, inputs.namespace),
      );
      const shown = `revision ${ours.revision} ${ours.status}: ${line}${problems.length > 0 ? `; ${problems.join("; ")}` : ""}`;
      if (shown !== lastLine) log(shown);
      lastLine = shown;
      if (problems.length > 0) lastProblems = problems;
    }
    if (Date.now() + pollMs > deadline)
      throw failed(`Helm did not finish within ${inputs.startSeconds + inputs.timeoutSeconds + 60} s`);
    await sleep(pollMs);
    pollMs = Math.min(maxPollMs, Math.round(pollMs * 1.5));
  }
}

const compared = [
  "kubeconfig",
  "context",
  "namespace",
  "release",
  "chartVersion",
  "valuesDigest",
  "timeoutSeconds",
  "startSeconds",
] as const;

/**
 * Follows a Helm release beside the `helm.v3.Release` that installs it: created and updated with the
 * same inputs, so that it runs whenever Helm does. It owns nothing in the cluster.
 */
export const helmWatchProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: HelmWatchInputs, news: HelmWatchInputs) {
    return { inputs: news, failures: inputProblems(news) };
  },

  async diff(_id: string, olds: HelmWatchOutputs, news: HelmWatchInputs) {
    const changes = compared.some((field) => isUnknown(news[field]) || !sameJson(olds[field], news[field]));
    return { changes, replaces: [] };
  },

  async create(inputs: HelmWatchInputs) {
    const revision = await watchHelmRelease(inputs);
    return { id: `${inputs.namespace}/${inputs.release}`, outs: { ...inputs, revision } };
  },

  async update(_id: string, _olds: HelmWatchOutputs, news: HelmWatchInputs) {
    return { outs: { ...news, revision: await watchHelmRelease(news) } };
  },
};
