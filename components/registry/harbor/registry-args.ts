/** The arguments of `HarborRegistry`, their defaults, and every check that can be made before anything exists. */
import type * as pulumi from "@pulumi/pulumi";
import { type ArgumentIssue, ComponentArgumentsError } from "../../arguments-error";
import type { KubernetesCluster } from "../../kubernetes/cluster";

/** Harbor behind an Ingress, at `host`. */
export interface HarborIngressExpose {
  /** Exposed through an ingress. */
  type: "ingress";
  /** The host name Harbor answers on, e.g. `harbor.example.com`. */
  host: pulumi.Input<string>;
  /**
   * The IngressClass.
   * @default the cluster's default class
   */
  className?: pulumi.Input<string>;
}

/** Harbor behind a Service of type LoadBalancer. */
export interface HarborLoadBalancerExpose {
  /** Exposed through a load balancer. */
  type: "loadBalancer";
  /**
   * A fixed address to ask the load balancer for.
   * @default whatever the cloud assigns
   */
  ip?: pulumi.Input<string>;
}

/** TLS where Harbor is exposed. */
export interface HarborTlsArgs {
  /**
   * Serve HTTPS.
   * @default true
   */
  enabled?: boolean;
  /**
   * A `kubernetes.io/tls` Secret in Harbor's namespace with the certificate and key.
   * @default the chart generates a self-signed certificate
   */
  secretName?: pulumi.Input<string>;
}

/** Volumes for Harbor's state (images, database, Redis, job logs, Trivy). */
export interface HarborPersistenceArgs {
  /**
   * Keep state on PersistentVolumeClaims; off, it is lost with the pods.
   * @default true
   */
  enabled?: boolean;
  /**
   * The StorageClass of every claim.
   * @default the cluster's default class
   */
  storageClass?: pulumi.Input<string>;
  /**
   * The size of the image store's claim.
   * @default `"5Gi"` (the chart's)
   */
  registrySize?: pulumi.Input<string>;
}

/** An external PostgreSQL instead of the chart's own. */
export interface HarborDatabaseArgs {
  /** The database server's host. */
  host: pulumi.Input<string>;
  /** @default 5432 */
  port?: pulumi.Input<number>;
  /** The user Harbor connects as. */
  username: pulumi.Input<string>;
  /** Kept secret in state. */
  password: pulumi.Input<string>;
  /**
   * The database of Harbor's core.
   * @default `"registry"`
   */
  database?: pulumi.Input<string>;
  /**
   * libpq's sslmode.
   * @default `"require"`
   */
  sslmode?: pulumi.Input<"disable" | "require" | "verify-ca" | "verify-full">;
}

/** An external Redis instead of the chart's own. */
export interface HarborRedisArgs {
  /** `host:port`. */
  address: pulumi.Input<string>;
  /**
   * Kept secret in state.
   * @default none
   */
  password?: pulumi.Input<string>;
}

/** How to install Harbor with the official `harbor` Helm chart. */
export interface HarborInstallArgs {
  /** The cluster to install on: the release goes through its provider. */
  cluster: KubernetesCluster;
  /** Where Harbor is reachable from outside the cluster. */
  expose: HarborIngressExpose | HarborLoadBalancerExpose;
  /**
   * The URL clients use (`docker login`, the API); also where the health wait polls, so the machine running
   * the deployment must reach it.
   * @default `https://<host>` (or `http://` without TLS) for an ingress; required for a load balancer
   */
  externalURL?: pulumi.Input<string>;
  /** @default TLS on, with a certificate the chart generates */
  tls?: HarborTlsArgs;
  /** @default on, with the chart's sizes and the cluster's default StorageClass */
  persistence?: HarborPersistenceArgs;
  /** @default the chart's own PostgreSQL */
  database?: HarborDatabaseArgs;
  /** @default the chart's own Redis */
  redis?: HarborRedisArgs;
  /**
   * The namespace the registry creates and installs into.
   * @default `"harbor"`
   */
  namespace?: string;
  /**
   * The chart's version.
   * @default {@link defaultHarborChartVersion}
   */
  chartVersion?: pulumi.Input<string>;
  /**
   * The `admin` password.
   * @default 24 random letters and digits, made once and kept secret in state
   */
  adminPassword?: pulumi.Input<string>;
  /**
   * More chart values, merged over Berth's (deeply, objects only).
   * @default none
   */
  values?: pulumi.Input<Record<string, unknown>>;
}

/** An existing Harbor to configure. */
export interface HarborExistingArgs {
  /** Harbor's base URL, e.g. `https://harbor.example.com`. */
  url: pulumi.Input<string>;
  /**
   * An administrator.
   * @default `"admin"`
   */
  username?: pulumi.Input<string>;
  /** The administrator's password. Kept secret. */
  password: pulumi.Input<string>;
}

/** Either `install` or `existing`. */
export interface HarborRegistryArgs {
  /** Install Harbor on a Kubernetes cluster. */
  install?: HarborInstallArgs;
  /** Use a Harbor that already runs. */
  existing?: HarborExistingArgs;
  /**
   * How long to wait for `/api/v2.0/health` to report healthy.
   * @default 900 (installs pull many images)
   */
  healthTimeoutSeconds?: number;
  /**
   * Lets {@link HarborRegistry.connection} send the admin password over plain `http://` (an install without
   * TLS, or an existing Harbor without it).
   * @default false: resources given an `http://` connection refuse it at preview
   */
  allowInsecureHttp?: boolean;
}

/** The chart version installed unless another is given: Harbor 2.12. */
export const defaultHarborChartVersion = "1.16.0";
/** Where the `harbor` chart is published. */
export const harborChartRepository = "https://helm.goharbor.io";

/** `HarborRegistry`'s arguments are wrong; `issues` lists every problem, and nothing was created. */
export class HarborRegistryError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: ArgumentIssue[], resource?: pulumi.Resource) {
    super("HarborRegistry", resourceName, issues, resource);
    this.name = "HarborRegistryError";
  }
}

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const known = (v: unknown): v is string => typeof v === "string";

/** Every problem with `args`, found without creating anything (values not known yet pass). */
export function harborRegistryIssues(args: HarborRegistryArgs): ArgumentIssue[] {
  const issues: ArgumentIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const { install, existing, healthTimeoutSeconds } = args;
  if (!install === !existing) {
    add(
      "install",
      "give either install (Harbor on a Kubernetes cluster) or existing (a running Harbor's url)",
    );
  }
  if (healthTimeoutSeconds !== undefined && !(healthTimeoutSeconds > 0)) {
    add("healthTimeoutSeconds", "must be a number of seconds above 0");
  }
  if (existing && known(existing.url) && !/^https?:\/\/[^/\s]+/.test(existing.url)) {
    add("existing.url", `${JSON.stringify(existing.url)} must be an http:// or https:// URL`);
  }
  if (install) {
    const { expose } = install;
    if (expose?.type !== "ingress" && expose?.type !== "loadBalancer") {
      add("install.expose.type", 'must be "ingress" or "loadBalancer"');
    }
    if (expose?.type === "ingress" && known(expose.host) && !/^[a-z0-9.-]+$/i.test(expose.host)) {
      add("install.expose.host", `${JSON.stringify(expose.host)} must be a host name`);
    }
    if (expose?.type === "loadBalancer" && install.externalURL === undefined) {
      add("install.externalURL", "is required with a load balancer: the URL clients reach Harbor at");
    }
    if (known(install.externalURL) && !/^https?:\/\/[^/\s]+/.test(install.externalURL)) {
      add("install.externalURL", `${JSON.stringify(install.externalURL)} must be an http:// or https:// URL`);
    }
    if (install.namespace !== undefined && !dnsLabel.test(install.namespace)) {
      add("install.namespace", `${JSON.stringify(install.namespace)} must be a DNS label`);
    }
    if (install.tls?.enabled === false && install.tls.secretName !== undefined) {
      add("install.tls.secretName", "is a certificate for TLS, which tls.enabled false turns off");
    }
  }
  return issues;
}
