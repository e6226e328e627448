import { stringify } from "yaml";

/** What a kubeconfig for one GKE cluster needs. */
export interface GkeKubeconfigParts {
  project: string;
  location: string;
  clusterName: string;
  /** The control plane's address, as the cluster's `endpoint` output gives it (no scheme). */
  endpoint: string;
  /** The cluster's CA certificate, base64-encoded PEM, as `masterAuth.clusterCaCertificate` gives it. */
  caCertificate: string;
}

/**
 * A kubeconfig that reaches the cluster as the caller's Google identity, through
 * `gke-gcloud-auth-plugin` (the form `gcloud container clusters get-credentials` writes): it holds no
 * credential of its own. The context is named as gcloud names it.
 */
export function gkeKubeconfig(parts: GkeKubeconfigParts): string {
  const context = `gke_${parts.project}_${parts.location}_${parts.clusterName}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: context,
        cluster: { server: `https://${parts.endpoint}`, "certificate-authority-data": parts.caCertificate },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    preferences: {},
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint:
              "Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}
