import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";
import { isUnknown } from "../shared/unknowns";
import { engineLog } from "../shared/log";
import type { CheckFailure } from "./common";
import { redactedUrl } from "../shared/endpoint";

/** What the health wait is given. */
export interface HarborHealthInputs {
  /**
   * Harbor's base URL; `/api/v2.0/health` is polled there (no credential is sent, so plain `http://`
   * is accepted; a URL with `user:password@` is not).
   */
  url: string;
  /** How long to wait for Harbor to report healthy. */
  timeoutSeconds: number;
  /** Any value; a new one waits again (e.g. the Helm release's revision, so an upgrade is awaited). */
  trigger: string;
}

export interface HarborHealthOutputs extends HarborHealthInputs {
  /** The components Harbor reported, all healthy when the wait ended. */
  components: string[];
}

/** Harbor's `OverallHealthStatus`. */
interface OverallHealth {
  status?: string;
  components?: { name?: string; status?: string; error?: string }[];
}

/** What one poll found: healthy with its components, or why not yet. */
type Poll = { healthy: true; components: string[] } | { healthy: false; why: string };

async function pollOnce(url: string): Promise<Poll> {
  const endpoint = `${url.replace(/\/+$/, "")}/api/v2.0/health`;
  let res: Response;
  try {
    res = await fetch(endpoint, { headers: { accept: "application/json" }, redirect: "error" });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { healthy: false, why: `no answer (${cause?.code ?? cause?.message ?? String(err)})` };
  }
  if (!res.ok) return { healthy: false, why: `HTTP ${res.status} from /api/v2.0/health` };
  let body: OverallHealth;
  try {
    body = (await res.json()) as OverallHealth;
  } catch {
    return { healthy: false, why: "an answer that is not JSON from /api/v2.0/health" };
  }
  const components = body.components ?? [];
  const unhealthy = components.filter((c) => c.status !== "healthy");
  if (body.status === "healthy" && unhealthy.length === 0) {
    return { healthy: true, components: components.map((c) => c.name ?? "?").sort() };
  }
  const named = unhealthy.map(
    (c) => `${c.name ?? "?"} ${c.status ?? "unknown"}${c.error ? ` (${c.error})` : ""}`,
  );
  return {
    healthy: false,
    why: `status ${body.status ?? "missing"}${named.length > 0 ? `: ${named.join(", ")}` : ""}`,
  };
}

/**
 * Polls Harbor's health until it reports healthy (every component too), logging progress, and throws
 * with the last reason (the unhealthy components, with their errors) after `timeoutSeconds`.
 */
export async function waitUntilHealthy(inputs: HarborHealthInputs): Promise<string[]> {
  const started = Date.now();
  const deadline = started + inputs.timeoutSeconds * 1000;
  // Frequent enough for short waits, gentle on a Harbor that takes minutes to start.
  const intervalMs = Math.min(5000, Math.max(200, (inputs.timeoutSeconds * 1000) / 20));
  let lastReported = "";
  const shown = redactedUrl(inputs.url);
  for (;;) {
    const poll = await pollOnce(inputs.url);
    if (poll.healthy) {
      engineLog("info", `harbor ${shown}: healthy (${poll.components.join(", ") || "no components listed"})`);
      return poll.components;
    }
    const elapsed = Math.round((Date.now() - started) / 1000);
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`harbor ${shown}: not healthy after ${inputs.timeoutSeconds}s: ${poll.why}`);
    }
    if (poll.why !== lastReported) {
      engineLog("info", `harbor ${shown}: waiting for healthy, ${elapsed}s: ${poll.why}`);
      lastReported = poll.why;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function checkProblems(news: Partial<HarborHealthInputs>): CheckFailure[] {
  const problems: CheckFailure[] = [];
  const { url, timeoutSeconds, trigger } = news;
  if (!isUnknown(url) && !(typeof url === "string" && /^https?:\/\/[^/\s]+/.test(url)))
    problems.push({ property: "url", reason: "must be an http:// or https:// URL" });
  else if (typeof url === "string" && !isUnknown(url) && /^https?:\/\/[^/]*@/.test(url))
    problems.push({
      property: "url",
      reason:
        "must not carry a user name or password (user:password@): it would be kept in state and shown in logs",
    });
  if (!isUnknown(timeoutSeconds) && !(typeof timeoutSeconds === "number" && timeoutSeconds > 0))
    problems.push({ property: "timeoutSeconds", reason: "must be a number of seconds above 0" });
  if (!isUnknown(trigger) && typeof trigger !== "string")
    problems.push({ property: "trigger", reason: "must be a string" });
  return problems;
}

/**
 * A wait, not an object: create and update poll `/api/v2.0/health` until Harbor is healthy. A new
 * URL or trigger waits again, in place; a new timeout alone changes nothing. Delete has nothing to do.
 */
export const healthProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Partial<HarborHealthInputs>) {
    const failures = checkProblems(news);
    return failures.length > 0 ? { inputs: news, failures } : { inputs: news };
  },
  async diff(_id: string, olds: HarborHealthOutputs, news: HarborHealthInputs) {
    const changed = (["url", "trigger"] as const).filter((k) => olds[k] !== news[k]);
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: HarborHealthInputs) {
    const components = await waitUntilHealthy(inputs);
    return { id: `harbor-health-${redactedUrl(inputs.url)}`, outs: { ...inputs, components } };
  },
  async read(id: string, props: HarborHealthOutputs) {
    return { id, props };
  },
  async update(_id: string, _olds: HarborHealthOutputs, news: HarborHealthInputs) {
    const components = await waitUntilHealthy(news);
    return { outs: { ...news, components } };
  },
  async delete() {
    // Waiting leaves nothing behind.
  },
};

/** The arguments of {@link HarborHealth}. */
export interface HarborHealthArgs {
  url: pulumi.Input<string>;
  /** Default: 600. */
  timeoutSeconds?: pulumi.Input<number>;
  /** A new value waits again. Default: "". */
  trigger?: pulumi.Input<string>;
}

/** Waits until the Harbor at `url` reports healthy; resources that use {@link url} wait for it. */
export class HarborHealth extends pulumi.dynamic.Resource {
  /** Harbor's base URL, known once Harbor is healthy. */
  declare readonly url: pulumi.Output<string>;
  declare readonly components: pulumi.Output<string[]>;

  constructor(name: string, args: HarborHealthArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:health", healthProvider),
      name,
      {
        url: args.url,
        timeoutSeconds: args.timeoutSeconds ?? 600,
        trigger: args.trigger ?? "",
        components: undefined,
      },
      opts,
      "berth/harbor",
      "HarborHealth",
    );
  }
}
