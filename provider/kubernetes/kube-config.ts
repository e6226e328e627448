import type * as k8s from "@kubernetes/client-node" with { "resolution-mode": "import" };

/** How to reach the cluster: a kubeconfig (secret) or the ambient one, and the context to use. */
export interface KubeAccess {
  /** A kubeconfig's text (YAML or JSON) or its path. Absent: the ambient one (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** Default: the kubeconfig's current context. */
  context?: string;
}

/**
 * Why a kubeconfig could not be read, without the text around the fault: a YAML parser quotes the
 * lines it failed on, and those may hold a token or key.
 */
function loadFailure(err: unknown): string {
  const e = err as { name?: string; reason?: string; mark?: { line?: number }; message?: string };
  if (e?.name === "YAMLException") {
    const line = e.mark?.line === undefined ? "" : ` at line ${e.mark.line + 1}`;
    return `is not valid YAML or JSON${line}${e.reason ? `: ${e.reason}` : ""}`;
  }
  // The client's own checks name a missing field ("clusters[0].cluster.server is missing").
  const message = typeof e?.message === "string" && /^[\w[\].]+ is missing$/.test(e.message) ? e.message : "";
  return `is not a valid kubeconfig${message ? `: ${message}` : ""}`;
}

/** A kubeconfig given as a file path, as the Kubernetes provider also accepts, rather than its text. */
function isPath(kubeconfig: string): boolean {
  const fs = require("fs") as typeof import("fs");
  return !kubeconfig.includes("\n") && fs.existsSync(kubeconfig);
}

/**
 * The client library's KubeConfig for `access`, with its context selected. Exec credential plugins
 * (gke-gcloud-auth-plugin, aws eks get-token) run when a request needs a token. Errors name the field
 * at fault and never quote the kubeconfig.
 */
export async function loadKubeConfig(access: KubeAccess): Promise<k8s.KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  try {
    if (access.kubeconfig === undefined) config.loadFromDefault();
    else if (isPath(access.kubeconfig)) config.loadFromFile(access.kubeconfig);
    else config.loadFromString(access.kubeconfig);
  } catch (err) {
    const which = access.kubeconfig === undefined ? "the ambient kubeconfig" : "kubeconfig";
    // eslint-disable-next-line preserve-caught-error -- the parser's error quotes the kubeconfig's text
    throw new Error(`${which} ${loadFailure(err)}`);
  }
  if (access.context !== undefined) {
    if (!config.getContextObject(access.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new Error(
        `context: the kubeconfig has no context "${access.context}" (it has ${known.length > 0 ? known.join(", ") : "none"})`,
      );
    }
    config.setCurrentContext(access.context);
  }
  if (!config.getCurrentCluster()) {
    throw new Error(
      "kubeconfig: no current context with a cluster; set current-context in the kubeconfig or pass context",
    );
  }
  return config;
}
