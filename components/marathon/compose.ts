import type { HealthCheckInput, ServiceInput } from "../spec/types";
import type { MarathonConversion } from "./app";
import type { MarathonNote } from "./types";

type Dict = Record<string, unknown>;

/** A Compose file's content (as an object, for YAML) for converted apps, with what Compose cannot say. */
export interface MarathonComposeFile {
  /** The Compose file, as an object to write as YAML. */
  compose: Dict;
  /** Notes the Compose form adds (health checks written as commands). */
  notes: MarathonNote[];
}

const envSafe = (name: string) => name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");

/**
 * Writes converted apps as one Compose file: the long syntax throughout, Berth's fields that Compose
 * has under `deploy` there, secret variables as `${VAR:?...}` (set the variable when deploying) with
 * `x-berth.secretEnv`, secret files as top-level secrets read from the environment, `dependencies` as
 * `depends_on`. HTTP and TCP health checks become `wget`/`nc` commands (the image must have them).
 */
export function toComposeFile(apps: MarathonConversion[]): MarathonComposeFile {
  const notes: MarathonNote[] = [];
  const services: Dict = {};
  const secrets: Dict = {};
  for (const app of apps) {
    const s = app.service;
    const out: Dict = { image: s.image };
    if (s.entrypoint) out.entrypoint = s.entrypoint;
    if (s.command) out.command = s.command;
    const environment: Dict = { ...s.env };
    for (const name of Object.keys(s.secretEnv ?? {})) {
      const source = app.secretSources[name];
      environment[name] = `\${${name}:?set ${name} to the value of the Marathon secret ${source}}`;
    }
    if (Object.keys(environment).length > 0) out.environment = environment;
    const berth: Dict = {};
    if (s.secretEnv && Object.keys(s.secretEnv).length > 0) berth.secretEnv = Object.keys(s.secretEnv);
    // Marathon's container ports without a host port serve the cluster only, as Berth's do.
    if (s.ports && s.ports.every((p) => p.published === undefined)) berth.public = false;
    if (Object.keys(berth).length > 0) out["x-berth"] = berth;
    if (s.ports) {
      out.ports = s.ports.map((p) => ({
        target: p.target,
        ...(p.published !== undefined && { published: String(p.published) }),
        protocol: p.protocol ?? "tcp",
      }));
    }
    const deploy = deployOf(s);
    if (Object.keys(deploy).length > 0) out.deploy = deploy;
    if (s.healthCheck) out.healthcheck = healthcheckOf(s.healthCheck, app, notes);
    if (s.volumes) {
      out.volumes = s.volumes.map((v) => ({
        type: v.type,
        source: v.source,
        target: v.target,
        ...(v.readOnly && { read_only: true }),
      }));
    }
    if (s.secrets) {
      out.secrets = s.secrets.map((f) => ({ source: f.source, target: f.target }));
      for (const f of s.secrets) secrets[f.source] = { environment: `SECRET_${envSafe(f.source)}` };
    }
    if (s.user !== undefined) out.user = s.user;
    if (s.stopGracePeriod !== undefined) out.stop_grace_period = s.stopGracePeriod;
    if (app.dependsOn.length > 0) out.depends_on = app.dependsOn;
    services[app.name] = out;
  }
  const volumes: Dict = {};
  for (const app of apps)
    for (const v of app.service.volumes ?? []) if (v.type === "volume" && v.source) volumes[v.source] = {};
  return {
    compose: {
      services,
      ...(Object.keys(volumes).length > 0 && { volumes }),
      ...(Object.keys(secrets).length > 0 && { secrets }),
    },
    notes,
  };
}

function deployOf(s: ServiceInput): Dict {
  const deploy: Dict = {};
  if (s.replicas !== undefined) deploy.replicas = s.replicas;
  if (s.labels) deploy.labels = s.labels;
  const r = s.resources;
  if (r) {
    const part = (cpu: unknown, memory: unknown) => ({
      ...(cpu !== undefined && { cpus: String(cpu) }),
      // Compose sizes count in powers of 1024 with Docker's units: 128Mi is "128m".
      ...(memory !== undefined && { memory: String(memory).replace(/Mi$/, "m") }),
    });
    deploy.resources = {
      limits: part(r.cpu, r.memory),
      ...(r.reservations && { reservations: part(r.reservations.cpu, r.reservations.memory) }),
    };
  }
  if (s.update) {
    deploy.update_config = {
      ...(s.update.parallelism !== undefined && { parallelism: s.update.parallelism }),
      ...(s.update.order !== undefined && { order: s.update.order }),
    };
  }
  const p = s.placement;
  if (p) {
    deploy.placement = {
      ...(p.constraints && { constraints: p.constraints }),
      ...(p.spread && { preferences: [{ spread: p.spread }] }),
      ...(p.maxPerNode !== undefined && { max_replicas_per_node: p.maxPerNode }),
    };
  }
  return deploy;
}

function healthcheckOf(h: HealthCheckInput, app: MarathonConversion, notes: MarathonNote[]): Dict {
  let test: string[];
  if (h.http) {
    test = ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${h.http.port}${h.http.path}`];
    notes.push({
      app: app.id,
      path: "healthChecks[0]",
      message:
        "Compose has no HTTP check: written as a wget command, which the image must have (or use --to spec, whose http check needs nothing in the image)",
    });
  } else if (h.tcp) {
    test = ["CMD", "nc", "-z", "127.0.0.1", String(h.tcp.port)];
    notes.push({
      app: app.id,
      path: "healthChecks[0]",
      message:
        "Compose has no TCP check: written as an nc command, which the image must have (or use --to spec)",
    });
  } else {
    test = typeof h.command === "string" ? ["CMD-SHELL", h.command] : (h.command ?? []);
  }
  return {
    test,
    ...(h.interval !== undefined && { interval: h.interval }),
    ...(h.timeout !== undefined && { timeout: h.timeout }),
    ...(h.retries !== undefined && { retries: h.retries }),
    ...(h.startPeriod !== undefined && { start_period: h.startPeriod }),
  };
}
