/**
 * A FAKE Kubernetes API server on 127.0.0.1 over HTTP, for the real @kubernetes/client-node to talk to
 * through a kubeconfig (bearer token, `insecure-skip-tls-verify`). It serves exactly what a rollout
 * needs, shaped as the API server shapes it, and refuses the rest:
 *
 * - GET and PATCH (`application/json-patch+json`) `/apis/apps/v1/namespaces/{ns}/deployments/{name}`
 *   and `.../daemonsets/{name}`: a patch is applied operation by operation (a failed `test` fails it
 *   whole, with 422), metadata identity and `spec.selector` are immutable, the template's labels must
 *   match the selector and its containers need a name and an image; the stored template gets the API
 *   server's defaults, and a changed spec moves `metadata.generation` on.
 * - LIST `/apis/apps/v1/namespaces/{ns}/replicasets`, `.../controllerrevisions`,
 *   `/api/v1/namespaces/{ns}/pods` and `.../secrets` (Helm's release records), filtered by an
 *   equality-based `labelSelector`, which is required.
 *
 * Every request is recorded; a request outside this contract (another path, verb, patch type, a list
 * without a selector, a watch, a dry run) is answered with an error and listed in `violations`. The
 * controllers behind it (fake-kubernetes-cluster.ts) roll out as the test scripts pod outcomes.
 */
import http from "http";
import type { AddressInfo } from "net";
import type { DaemonSet, Deployment } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { type ClusterOptions, defaultTemplate, FakeCluster } from "./fake-kubernetes-cluster";

export type { PodOutcome } from "./fake-kubernetes-cluster";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** Whether it carried the expected bearer token. */
  authorized: boolean;
  body?: unknown;
}

type Kind = "Deployment" | "DaemonSet";
type Answer = { code: number; body: unknown };

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const patchTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

function status(code: number, reason: string, message: string): Answer {
  return {
    code,
    body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
  };
}

/** The matcher for an equality-based selector (`a=b,c!=d`), or an error for anything else. */
function parseSelector(selector: string): ((labels: Record<string, string>) => boolean) | string {
  const terms: { key: string; value: string; equal: boolean }[] = [];
  for (const term of selector.split(",")) {
    const match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term.trim());
    if (!match) return `the fake models only equality-based selectors, not "${term}"`;
    terms.push({ key: match[1]!, value: match[3]!, equal: match[2] !== "!=" });
  }
  return (labels) => terms.every((t) => (labels[t.key] === t.value) === t.equal);
}

/** Applies a JSON patch (RFC 6902) to `target` in place; the failure, if any, as a message. */
function applyJsonPatch(target: unknown, operations: unknown): string | undefined {
  if (!Array.isArray(operations)) return "a JSON patch must be an array of operations";
  for (const operation of operations as { op?: unknown; path?: unknown; value?: unknown }[]) {
    if (typeof operation?.path !== "string" || !operation.path.startsWith("/"))
      return `invalid JSON patch path ${JSON.stringify(operation?.path)}`;
    const keys = operation.path
      .slice(1)
      .split("/")
      .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop()!;
    let parent = target as Record<string, unknown>;
    for (const key of keys) {
      if (!parent || typeof parent !== "object" || !(key in parent))
        return `doc is missing path: "${operation.path}"`;
      parent = parent[key] as Record<string, unknown>;
    }
    if (!parent || typeof parent !== "object") return `doc is missing path: "${operation.path}"`;
    switch (operation.op) {
      case "test":
        if (JSON.stringify(parent[last]) !== JSON.stringify(operation.value))
          return `testing value ${operation.path} failed: test failed`;
        break;
      case "replace":
        if (!(last in parent))
          return `replace operation does not apply: doc is missing key: ${operation.path}`;
        parent[last] = clone(operation.value);
        break;
      case "add":
        parent[last] = clone(operation.value);
        break;
      case "remove":
        if (!(last in parent))
          return `remove operation does not apply: doc is missing key: ${operation.path}`;
        delete parent[last];
        break;
      default:
        return `the fake does not model JSON patch operation ${JSON.stringify(operation.op)}`;
    }
  }
  return undefined;
}

/** What the API server refuses in an updated workload, or undefined when it is valid. */
function invalidity(
  kind: Kind,
  before: Deployment | DaemonSet,
  after: Deployment | DaemonSet,
): string | undefined {
  const name = before.metadata!.name;
  const field = (path: string, why: string) => `${kind}.apps "${name}" is invalid: ${path}: ${why}`;
  for (const key of ["name", "namespace", "uid"] as const)
    if (after.metadata?.[key] !== before.metadata?.[key])
      return field(`metadata.${key}`, "field is immutable");
  if (JSON.stringify(after.spec?.selector) !== JSON.stringify(before.spec?.selector))
    return field("spec.selector", "field is immutable");
  const template = after.spec?.template as PodTemplateSpec | undefined;
  const labels = template?.metadata?.labels ?? {};
  const selector = before.spec!.selector.matchLabels ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v))
    return field(
      "spec.template.metadata.labels",
      "Invalid value: `selector` does not match template `labels`",
    );
  const containers = template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    return field("spec.template.spec.containers", "Required value");
  for (const [i, c] of containers.entries()) {
    if (!c?.name) return field(`spec.template.spec.containers[${i}].name`, "Required value");
    if (!c?.image) return field(`spec.template.spec.containers[${i}].image`, "Required value");
  }
  return undefined;
}

export class FakeKubernetes {
  readonly requests: RecordedRequest[] = [];
  /** Requests outside the contract this fake enforces. */
  readonly violations: string[] = [];
  readonly cluster: FakeCluster;
  private readonly server: http.Server;

  private constructor(
    readonly token: string,
    options: ClusterOptions,
  ) {
    this.cluster = new FakeCluster(options);
    this.server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        const answer = this.answer(req, text);
        res.writeHead(answer.code, { "Content-Type": "application/json" });
        res.end(JSON.stringify(answer.body));
      });
    });
  }

  static async start(options: ClusterOptions & { token?: string } = {}): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes(options.token ?? "fake-token", options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig reaching this server (JSON, which is YAML too) with one context, current unless told. */
  kubeconfig(options: { context?: string; token?: string; current?: boolean } = {}): string {
    const context = options.context ?? "fake";
    return JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fake", cluster: { server: this.url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "fake", user: { token: options.token ?? this.token } }],
      contexts: [{ name: context, context: { cluster: "fake", user: "fake", namespace: "default" } }],
      ...(options.current !== false && { "current-context": context }),
    });
  }

  /** Stores a new template, as the Kubernetes provider's apply does (the rollout starts). */
  applyTemplate(kind: Kind, namespace: string, name: string, template: PodTemplateSpec): void {
    const workload = this.workload(kind, namespace, name)!;
    (workload.spec as { template: PodTemplateSpec }).template = defaultTemplate(template);
    this.cluster.specChanged(workload);
  }

  workload(kind: Kind, namespace: string, name: string): Deployment | DaemonSet | undefined {
    const store = kind === "Deployment" ? this.cluster.deployments : this.cluster.daemonSets;
    return store.get(`${namespace}/${name}`);
  }

  async stop(): Promise<void> {
    this.cluster.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refuse(request: string, answer: Answer): Answer {
    this.violations.push(`${request}: ${(answer.body as { message: string }).message}`);
    return answer;
  }

  private answer(req: http.IncomingMessage, text: string): Answer {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers["content-type"];
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return this.refuse(`${req.method} ${url.pathname}`, status(400, "BadRequest", "the body is not JSON"));
    }
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query,
      contentType,
      authorized,
      body,
    });
    if (!authorized) return status(401, "Unauthorized", "Unauthorized");
    const request = `${req.method} ${url.pathname}`;
    if (query.watch !== undefined || query.dryRun !== undefined)
      return this.refuse(request, status(400, "BadRequest", "the fake models neither watches nor dry runs"));
    const one = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|daemonsets)\/([^/]+)$/.exec(
      url.pathname,
    );
    if (one) {
      const kind: Kind = one[2] === "deployments" ? "Deployment" : "DaemonSet";
      const [namespace, name] = [one[1]!, one[3]!];
      const workload = this.workload(kind, namespace, name);
      const missing = status(404, "NotFound", `${one[2]}.apps "${name}" not found`);
      if (req.method === "GET") return workload ? { code: 200, body: workload } : missing;
      if (req.method === "PATCH") {
        if (!contentType || !patchTypes.includes(contentType))
          return this.refuse(
            request,
            status(
              415,
              "UnsupportedMediaType",
              `the body of the request was in an unknown format: ${contentType}`,
            ),
          );
        if (contentType !== "application/json-patch+json")
          return this.refuse(
            request,
            status(415, "UnsupportedMediaType", `the fake models only JSON patches, not ${contentType}`),
          );
        if (query.force !== undefined)
          return status(400, "BadRequest", "force is only allowed for apply patches");
        if (!workload) return missing;
        return this.patch(kind, workload, body);
      }
      return this.refuse(
        request,
        status(405, "MethodNotAllowed", `the fake serves only GET and PATCH on ${one[2]}`),
      );
    }
    const list =
      /^\/(?:apis\/apps\/v1|api\/v1)\/namespaces\/([^/]+)\/(replicasets|controllerrevisions|pods|secrets)$/.exec(
        url.pathname,
      );
    const group = url.pathname.startsWith("/api/v1/") ? "core" : "apps";
    const coreList = list?.[2] === "pods" || list?.[2] === "secrets";
    if (list && req.method === "GET" && coreList === (group === "core")) {
      const selector = query.labelSelector;
      if (!selector)
        return this.refuse(request, status(400, "BadRequest", "lists must be filtered by labelSelector"));
      const matches = parseSelector(selector);
      if (typeof matches === "string") return this.refuse(request, status(400, "BadRequest", matches));
      const namespace = list[1]!;
      const all: { metadata?: ObjectMeta }[] = {
        pods: this.cluster.pods,
        secrets: this.cluster.secrets,
        replicasets: this.cluster.replicaSets,
        controllerrevisions: this.cluster.revisions,
      }[list[2]!]!;
      const items = all.filter(
        (o) => o.metadata?.namespace === namespace && matches(o.metadata?.labels ?? {}),
      );
      const kind = {
        pods: "PodList",
        secrets: "SecretList",
        replicasets: "ReplicaSetList",
        controllerrevisions: "ControllerRevisionList",
      }[list[2]!];
      return {
        code: 200,
        body: {
          apiVersion: group === "core" ? "v1" : "apps/v1",
          kind,
          metadata: { resourceVersion: this.cluster.nextVersion() },
          // Items of a list carry no apiVersion and kind.
          items: items.map((item) => {
            const {
              apiVersion: _version,
              kind: _kind,
              ...rest
            } = item as { apiVersion?: string; kind?: string };
            return rest;
          }),
        },
      };
    }
    return this.refuse(request, status(404, "NotFound", "the server could not find the requested resource"));
  }

  private patch(kind: Kind, workload: Deployment | DaemonSet, operations: unknown): Answer {
    const updated = clone(workload);
    const failed = applyJsonPatch(updated, operations);
    if (failed)
      return status(
        422,
        "Invalid",
        `the server rejected our request due to an error in our request: ${failed}`,
      );
    const invalid = invalidity(kind, workload, updated);
    if (invalid) return status(422, "Invalid", invalid);
    const template = defaultTemplate(updated.spec!.template as PodTemplateSpec);
    const before = JSON.stringify(workload.spec);
    Object.assign(workload, {
      metadata: { ...updated.metadata, generation: workload.metadata!.generation },
      spec: { ...updated.spec, template },
    });
    if (JSON.stringify(workload.spec) !== before) this.cluster.specChanged(workload);
    else (workload.metadata as { resourceVersion?: string }).resourceVersion = this.cluster.nextVersion();
    return { code: 200, body: workload };
  }
}
