/** The values Berth gives the `argo-cd` chart. */
import { stringify } from "yaml";
import type { ArgoCdSso } from "./argocd-args";

/** The `argo-cd` chart version Berth installs (argoproj/argo-helm), and the Argo CD version it runs. */
export const argoCdChart = {
  /** The chart's version. */
  version: "9.7.1",
  /** The Argo CD version the chart runs, whose CRDs Berth applies. */
  appVersion: "v3.4.4",
} as const;

/** The Helm repository of the `argo-cd` chart. */
export const argoCdRepository = "https://argoproj.github.io/argo-helm";

/**
 * The URLs of Argo CD's CRDs for `appVersion`, from its release's `manifests/crds`. ApplicationSet's is
 * larger than client-side apply's 262,144-byte annotation allows; Berth applies them server-side.
 */
export const argoCdCrdUrls = (appVersion: string): string[] =>
  ["application", "applicationset", "appproject"].map(
    (kind) =>
      `https://raw.githubusercontent.com/argoproj/argo-cd/${appVersion}/manifests/crds/${kind}-crd.yaml`,
  );

/** The key in `argocd-secret` that holds the OIDC client secret, referenced from `oidc.config`. */
export const oidcSecretKey = "oidc.clientSecret";

/**
 * When the admin password last changed, as Argo CD records it. Fixed: the chart's default is the time
 * of each render, which would sign everyone out on every upgrade.
 */
export const adminPasswordMtime = "2024-01-01T00:00:00Z";

/** What Berth decides about an Argo CD installation. */
export interface ArgoCdSettings {
  /** The bcrypt hash of the admin password. */
  adminPasswordHash: string;
  url?: string;
  sso?: Omit<ArgoCdSso, "clientSecret">;
  /** The OIDC client secret, when `sso` is given. */
  ssoClientSecret?: string;
  ha: boolean;
  applicationNamespaces: readonly string[];
}

/** The chart values for `settings`. */
export function argoCdValues(settings: ArgoCdSettings): Record<string, unknown> {
  const { sso } = settings;
  const cm: Record<string, unknown> = {
    "admin.enabled": sso === undefined,
    ...(settings.url !== undefined && { url: settings.url }),
    ...(sso && {
      "oidc.config": stringify({
        name: sso.name ?? "SSO",
        issuer: sso.issuer,
        clientID: sso.clientId,
        // Argo CD reads `$<key>` from argocd-secret: the ConfigMap holds no secret.
        clientSecret: `$${oidcSecretKey}`,
        requestedScopes: sso.requestedScopes ?? ["openid", "profile", "email", "groups"],
      }),
    }),
  };
  return {
    // The CRDs are templates of this chart; Berth applies them itself, server-side.
    crds: { install: false },
    configs: {
      cm,
      params: {
        // TLS on the API server (its own certificate unless `argocd-server-tls` is given).
        "server.insecure": false,
        // Both the API server and the controller read it; projects list theirs in sourceNamespaces.
        ...(settings.applicationNamespaces.length > 0 && {
          "application.namespaces": settings.applicationNamespaces.join(","),
        }),
      },
      secret: {
        argocdServerAdminPassword: settings.adminPasswordHash,
        argocdServerAdminPasswordMtime: adminPasswordMtime,
        ...(settings.ssoClientSecret !== undefined && {
          extra: { [oidcSecretKey]: settings.ssoClientSecret },
        }),
      },
    },
    ...(settings.ha && {
      "redis-ha": { enabled: true },
      controller: { replicas: 1 },
      server: { replicas: 2 },
      repoServer: { replicas: 2 },
      applicationSet: { replicas: 2 },
    }),
  };
}
