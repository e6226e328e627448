import { isDict } from "./dict";
import { isEmpty } from "./map-context";
import type { ComposeIssue, ComposeProject, ComposeService } from "./types";

/** The `build` keys a stack builds with; any other key of `build` is refused. */
export const buildKeys = ["context", "dockerfile", "args", "target"] as const;

/** One service's image as a stack builds and pushes it. */
export interface ServiceBuildPlan {
  /** The build context: an absolute directory, as the loader resolved it. */
  context: string;
  /** Relative to the context. Default (the loader's): `"Dockerfile"`. */
  dockerfile?: string;
  args?: Record<string, string>;
  target?: string;
  /** Pushed to: the service's `image` without its tag, else `<registry.repository>/<service>`. */
  repository: string;
  /** The tag of the service's `image`, if it has one. Default (the image's): `"latest"`. */
  tag?: string;
}

/**
 * Whether a stack builds the images of services with `build`:
 * - `"auto"`: with a `registry`, build and push; without one, a service that also names `image` runs
 *   that image (its build is skipped and logged, as `docker stack deploy` does), and one without is refused;
 * - `"always"`: build and push, and refuse without a `registry`;
 * - `"never"`: run every service's `image`, skipping every build; a service without `image` is refused.
 */
export type StackBuildMode = "auto" | "always" | "never";

export interface StackBuildPlan {
  /** By Compose service name: the services with `build`. */
  builds: Record<string, ServiceBuildPlan>;
  /** Services with `build` that run their named `image` instead, unbuilt. */
  skipped: string[];
  /** The project with each built service's `build` replaced by the image it is pushed as. */
  project: ComposeProject;
  issues: ComposeIssue[];
}

/** What the stack was given to push to; absent when it was given no `registry`. */
export interface StackBuildRegistry {
  /** A repository prefix, e.g. `127.0.0.1:5000/shop`; services without `image` push to `<prefix>/<service>`. */
  repository?: string;
}

/** `registry.example.com:5000/team/app:v1` -> repository and tag; a port is not a tag. */
function splitImage(image: string): { repository: string; tag?: string } {
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/"))
    return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image };
}

/** `args` in either Compose form as a mapping; an entry without a value is reported. */
function buildArgs(value: unknown, at: string, issues: ComposeIssue[]): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item) => {
        const [key, ...rest] = String(item).split("=");
        return [key, rest.length > 0 ? rest.join("=") : null];
      })
    : isDict(value)
      ? Object.entries(value)
      : [];
  const args: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (v === null || v === undefined) {
      issues.push({ path: `${at}.${key}`, message: "has no value; give it one (KEY=value)" });
    } else {
      args[key] = String(v);
    }
  }
  return args;
}

function planService(
  service: string,
  s: ComposeService,
  registry: StackBuildRegistry | undefined,
  issues: ComposeIssue[],
): ServiceBuildPlan | undefined {
  const at = `services.${service}.build`;
  const build = s.build as Record<string, unknown>;
  if (registry === undefined) {
    issues.push({
      path: at,
      message: `service ${service} builds its image: pass registry (a repository and credentials) to the ComposeStack to build and push it${s.image === undefined ? "" : ', or build: "auto" to run its image unbuilt'}`,
    });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(build)) {
    if ((buildKeys as readonly string[]).includes(key) || key.startsWith("x-") || isEmpty(build[key]))
      continue;
    issues.push({
      path: `${at}.${key}`,
      message: `is not supported: a stack builds with ${buildKeys.join(", ")} only`,
    });
  }
  const context = String(build.context);
  if (/^(https?:\/\/|git@|github\.com\/)/.test(context) || context.includes(".git#")) {
    issues.push({
      path: `${at}.context`,
      message: "a remote context is not supported; clone it and name the directory",
    });
  }
  const args = buildArgs(build.args, `${at}.args`, issues);
  let target: { repository: string; tag?: string } | undefined;
  if (s.image !== undefined) {
    if (s.image.includes("@")) {
      issues.push({
        path: `services.${service}.image`,
        message: "names a digest; with build it must name the repository (and tag) to push to",
      });
    } else {
      target = splitImage(s.image);
    }
  } else if (registry.repository !== undefined) {
    target = { repository: `${registry.repository.replace(/\/+$/, "")}/${service}` };
  } else {
    issues.push({
      path: `services.${service}.image`,
      message: "is required with build unless registry.repository is given: the repository to push to",
    });
  }
  if (issues.length > before || target === undefined) return undefined;
  return {
    context,
    ...(typeof build.dockerfile === "string" && { dockerfile: build.dockerfile }),
    ...(args !== undefined && Object.keys(args).length > 0 && { args }),
    ...(typeof build.target === "string" && build.target !== "" && { target: build.target }),
    ...target,
  };
}

/**
 * Plans the images a stack builds: every service with `build` is built from `context` (with
 * `dockerfile`, `args`, `target`) and pushed to its `image` when it names one, else to
 * `<registry.repository>/<service>`, as `mode` says ({@link StackBuildMode}). The returned project
 * names each service's image, built or not, so it maps like any other service.
 */
export function planBuilds(
  project: ComposeProject,
  registry: StackBuildRegistry | undefined,
  mode: StackBuildMode = "auto",
): StackBuildPlan {
  const issues: ComposeIssue[] = [];
  const builds: Record<string, ServiceBuildPlan> = {};
  const skipped: string[] = [];
  const services: Record<string, ComposeService> = {};
  for (const [service, s] of Object.entries(project.services)) {
    if (s.build === undefined || s.build === null) {
      services[service] = s;
      continue;
    }
    const { build: _build, ...rest } = s;
    const skip = mode === "never" || (mode === "auto" && registry === undefined && s.image !== undefined);
    if (skip) {
      if (s.image === undefined) {
        issues.push({
          path: `services.${service}.image`,
          message: 'is required when builds are skipped (build: "never"): the image the service runs',
        });
      } else skipped.push(service);
      services[service] = { ...rest, image: s.image ?? `${service}:unbuilt` };
      continue;
    }
    const plan = planService(service, s, registry, issues);
    if (plan) builds[service] = plan;
    // A refused build is reported here only: the mapping sees an image either way.
    const image = plan ? `${plan.repository}:${plan.tag ?? "latest"}` : (s.image ?? `${service}:unbuilt`);
    services[service] = { ...rest, image };
  }
  return { builds, skipped, project: { ...project, services }, issues };
}
