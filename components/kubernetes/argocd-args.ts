/** The arguments of `ArgoCd`, and their checks, made before anything is created. */
import type * as pulumi from "@pulumi/pulumi";
import { type AddIssue, isDnsLabel, isObject, show, unknownFields } from "../arguments";
import type { KubernetesCluster } from "./cluster";

/** Single sign-on through an OpenID Connect provider. */
export interface ArgoCdSso {
  /**
   * The name of the login button.
   * @default "SSO"
   */
  name?: string;
  /** The provider's issuer URL (`https://...`). */
  issuer: string;
  /** The client ID Argo CD is registered under. */
  clientId: string;
  /** The client secret. Secret: kept in Argo CD's Secret, referenced (not copied) by its ConfigMap. */
  clientSecret: pulumi.Input<string>;
  /**
   * Scopes to request.
   * @default ["openid", "profile", "email", "groups"]
   */
  requestedScopes?: string[];
}

/** The arguments of an `ArgoCd`. */
export interface ArgoCdArgs {
  /** The cluster to install Argo CD on. */
  cluster: KubernetesCluster;
  /**
   * The namespace Argo CD runs in (created).
   * @default "argocd"
   */
  namespace?: string;
  /**
   * The URL people reach Argo CD's UI at (`https://argocd.example.com`). Required with `sso`: the
   * identity provider redirects back to it.
   */
  url?: string;
  /**
   * Single sign-on. When given, the local `admin` account is disabled: people sign in through the
   * provider only, and `adminPassword` is kept only for a break-glass re-enable.
   */
  sso?: ArgoCdSso;
  /**
   * Run Argo CD highly available: Redis HA (three replicas, each on its own node) and two replicas of
   * the API server, repository server and ApplicationSet controller. Needs a cluster of three nodes
   * or more: Redis HA's pods refuse to share a node, and on fewer nodes some stay pending.
   * @default false
   */
  ha?: boolean;
  /**
   * Namespaces besides Argo CD's own where teams may keep Applications (Argo CD's
   * `application.namespaces`). A `GitOpsProject` admits Applications from some of them.
   * @default []
   */
  applicationNamespaces?: string[];
  /**
   * Follow Argo CD's release while Helm installs or upgrades it (`HelmRelease`'s `watch`). Turn it off
   * when the cluster's provider keeps Helm releases other than in Secrets (`helmReleaseSettings.driver`).
   * @default true
   */
  watch?: boolean;
}

const fields = ["cluster", "namespace", "url", "sso", "ha", "applicationNamespaces", "watch"];
const ssoFields = ["name", "issuer", "clientId", "clientSecret", "requestedScopes"];
const httpsUrl = /^https:\/\/[^\s/]+(\/\S*)?$/;

/** Every problem with an `ArgoCd`'s arguments. */
export function argoCdIssues(args: ArgoCdArgs, add: AddIssue): void {
  unknownFields(args, fields, "", add);
  if (!isObject(args.cluster)) add("cluster", "required: the KubernetesCluster to install Argo CD on");
  const namespace = args.namespace ?? "argocd";
  if (!isDnsLabel(namespace)) add("namespace", `${show(namespace)} is not a namespace name`);
  if (args.url !== undefined && !httpsUrl.test(args.url))
    add("url", `${show(args.url)} is not an https:// URL (Berth serves Argo CD over TLS only)`);
  if (args.ha !== undefined && typeof args.ha !== "boolean")
    add("ha", `must be true or false, got ${show(args.ha)}`);
  if (args.watch !== undefined && typeof args.watch !== "boolean")
    add("watch", `must be true or false, got ${show(args.watch)}`);
  const seen = new Set<string>();
  (args.applicationNamespaces ?? []).forEach((ns, i) => {
    const at = `applicationNamespaces[${i}]`;
    if (!isDnsLabel(ns)) add(at, `${show(ns)} is not a namespace name`);
    else if (ns === namespace) add(at, "Argo CD's own namespace is always watched; list only others");
    else if (seen.has(ns)) add(at, `${show(ns)} is listed twice`);
    seen.add(ns);
  });
  const sso = args.sso;
  if (sso === undefined) return;
  unknownFields(sso, ssoFields, "sso.", add);
  if (args.url === undefined) add("url", "required with sso: the identity provider redirects back to it");
  if (typeof sso.issuer !== "string" || !httpsUrl.test(sso.issuer))
    add("sso.issuer", `${show(sso.issuer)} is not an https:// issuer URL`);
  if (typeof sso.clientId !== "string" || sso.clientId === "") add("sso.clientId", "required");
  if (sso.clientSecret === undefined || sso.clientSecret === "") add("sso.clientSecret", "required");
}
