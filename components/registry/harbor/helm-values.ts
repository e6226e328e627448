/** The `harbor` chart's values for a `HarborRegistry` install: plain data in, plain data out. */

/** An install's settings with every input resolved. */
export interface ResolvedInstall {
  expose: { type: "ingress"; host: string; className?: string } | { type: "loadBalancer"; ip?: string };
  externalURL: string;
  tls: { enabled: boolean; secretName?: string };
  persistence: { enabled: boolean; storageClass?: string; registrySize?: string };
  database?: {
    host: string;
    port?: number;
    username: string;
    password: string;
    database?: string;
    sslmode?: string;
  };
  redis?: { address: string; password?: string };
  adminPassword: string;
  values?: Record<string, unknown>;
}

/** The URL clients use when none is given: the ingress host, over HTTPS unless TLS is off. */
export function defaultExternalURL(host: string, tls: boolean): string {
  return `${tls ? "https" : "http"}://${host}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: objects key by key, anything else replaced. */
export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isObject(value) && isObject(base[key]) ? mergeValues(base[key], value) : value;
  }
  return merged;
}

function exposeValues(install: ResolvedInstall): Record<string, unknown> {
  const { expose, tls } = install;
  const tlsValues = {
    enabled: tls.enabled,
    certSource: tls.enabled ? (tls.secretName ? "secret" : "auto") : "none",
    ...(tls.secretName && { secret: { secretName: tls.secretName } }),
  };
  if (expose.type === "ingress") {
    return {
      type: "ingress",
      tls: tlsValues,
      ingress: { hosts: { core: expose.host }, ...(expose.className && { className: expose.className }) },
    };
  }
  return { type: "loadBalancer", tls: tlsValues, loadBalancer: { ...(expose.ip && { IP: expose.ip }) } };
}

function persistenceValues(p: ResolvedInstall["persistence"]): Record<string, unknown> {
  if (!p.enabled) return { enabled: false };
  const claim = (size?: string) => ({
    ...(p.storageClass && { storageClass: p.storageClass }),
    ...(size && { size }),
  });
  return {
    enabled: true,
    // Images and the database outlive an uninstall unless someone deletes the claims on purpose.
    resourcePolicy: "keep",
    persistentVolumeClaim: {
      registry: claim(p.registrySize),
      jobservice: { jobLog: claim() },
      database: claim(),
      redis: claim(),
      trivy: claim(),
    },
  };
}

/** The chart's values: exposure, external URL, TLS, persistence, external services, admin password. */
export function harborHelmValues(install: ResolvedInstall): Record<string, unknown> {
  const values: Record<string, unknown> = {
    expose: exposeValues(install),
    externalURL: install.externalURL,
    persistence: persistenceValues(install.persistence),
    harborAdminPassword: install.adminPassword,
  };
  const db = install.database;
  if (db) {
    values.database = {
      type: "external",
      external: {
        host: db.host,
        port: String(db.port ?? 5432),
        username: db.username,
        password: db.password,
        coreDatabase: db.database ?? "registry",
        sslmode: db.sslmode ?? "require",
      },
    };
  }
  if (install.redis) {
    values.redis = {
      type: "external",
      external: {
        addr: install.redis.address,
        ...(install.redis.password && { password: install.redis.password }),
      },
    };
  }
  return install.values ? mergeValues(values, install.values) : values;
}
