import * as pulumi from "@pulumi/pulumi";
import { KubernetesCluster } from "pulumi-berth/kubernetes";
import { kubernetesApp } from "./app";

const config = new pulumi.Config();
/** Every service runs busybox's tools (httpd, wget, sh), so one small public image serves the whole app. */
const image = config.get("image") ?? "busybox:1.36";
const apiToken = config.requireSecret("apiToken");

// Any cluster a kubeconfig reaches: the one in config (secret), or else the ambient one (KUBECONFIG,
// ~/.kube/config) as kubectl uses it. The stack's services run in their own namespace.
const cluster = new KubernetesCluster("berth", {
  kubeconfig: config.getSecret("kubeconfig"),
  context: config.get("context"),
  namespace: config.get("namespace"),
});

export const { url, apiEndpoint, services } = kubernetesApp(cluster, { image, apiToken });

export const namespace = cluster.namespace;
