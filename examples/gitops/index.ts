import * as pulumi from "@pulumi/pulumi";
import {
  ArgoCd,
  GitOpsApplication,
  GitOpsProject,
  KubernetesCluster,
  renderKubernetesManifests,
} from "pulumi-berth/kubernetes";

const config = new pulumi.Config();
/** The team's deployment repository, read by Argo CD with a token. */
const deployRepo = config.get("deployRepo") ?? "https://git.example.com/shop/deploy.git";
const deployToken = config.requireSecret("deployToken");
/** The tag of the deployment repository to deploy: never a moving branch. */
const revision = config.get("revision") ?? "v1.0.0";
const podinfoCharts = "https://stefanprodan.github.io/podinfo";

const cluster = new KubernetesCluster("berth", {
  kubeconfig: config.getSecret("kubeconfig"),
  context: config.get("context"),
});

// Argo CD itself: TLS on, a generated admin password (output below, secret). Teams keep their
// Applications in `shop-apps` as well as in Argo CD's namespace.
const argo = new ArgoCd("argo", { cluster, applicationNamespaces: ["shop-apps"] });

// The shop team may deploy from its repository and the podinfo charts, into `shop` only.
const shop = new GitOpsProject("shop", {
  argoCd: argo,
  description: "the shop team's services",
  repositories: [
    { url: deployRepo, credentials: { username: "argocd", token: deployToken } },
    { url: podinfoCharts, type: "helm" },
  ],
  destinations: [{ namespace: "shop" }],
  applicationNamespaces: ["shop-apps"],
});

// A chart, at a pinned version, with its values.
new GitOpsApplication("podinfo", {
  project: shop,
  namespace: "shop-apps",
  source: {
    repoUrl: podinfoCharts,
    chart: "podinfo",
    targetRevision: "6.7.1",
    values: { replicaCount: 2 },
  },
  destination: { namespace: "shop" },
});

// A Berth service delivered by pull: the same description a ContainerService deploys by push, rendered
// as manifests. Commit `webManifests` to deploy/web in the repository (or run
// `berth render web.yaml --target kubernetes --out deploy/web`), tag it, and Argo CD deploys the tag.
const web = {
  image: "registry.example.com/shop/web:1.4.0",
  ports: [{ target: 8080, published: 80 }],
  replicas: 2,
};
export const webManifests = renderKubernetesManifests("web", web, { partOf: "shop" });

new GitOpsApplication("web", {
  project: shop,
  source: { repoUrl: deployRepo, targetRevision: revision, path: "deploy/web" },
  destination: { namespace: "shop" },
});

export const argoCdNamespace = argo.namespace;
export const argoCdServerUrl = argo.serverUrl;
export const argoCdAdminPassword = argo.adminPassword;
