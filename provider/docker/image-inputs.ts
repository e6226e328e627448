import { isUnknown } from "../unknowns";
import type { EngineConnection } from "../swarm/engine";
import { knownConnectionProblems } from "../swarm/identity";

/** Where a build secret's value is read from, on the machine that runs the deployment. */
export interface BuildSecretSource {
  /** A file whose content is the secret. */
  file?: string;
  /** An environment variable whose value is the secret. */
  env?: string;
}

/** Credentials for the registry an image is pushed to, as the engine takes them in `X-Registry-Auth`. */
export interface ImageRegistryAuth {
  serveraddress: string;
  username: string;
  password: string;
}

export interface ImageInputs {
  connection: EngineConnection;
  /** The build context: an absolute directory path. */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  /** The build stage to build; empty for the last one. */
  target: string;
  buildArgs: Record<string, string>;
  /** Where each secret's value comes from: references only, never values. */
  secrets: Record<string, BuildSecretSource>;
  /** `host[:port]/path`, without tag or digest. */
  repository: string;
  tag: string;
  registry?: ImageRegistryAuth;
  /** The one platform built for (`linux/arm64`); empty for the engine's own. */
  platform: string;
  /** Images whose layers the build may reuse (BuildKit inline cache); the build writes its own. */
  cacheFrom: string[];
  /** Build every step again, reusing no cached layer. */
  noCache: boolean;
  /** Set by `check`: the hash of what the build sends from the context (see `contextHash`). */
  contextHash: string;
}

/** The platforms an image is built for, one at a time, by the engine's BuildKit. */
export const imagePlatforms = ["linux/amd64", "linux/arm64"];

export interface ImageOutputs extends ImageInputs {
  /** The local image's ID after the build. */
  imageId: string;
  /** The manifest digest the registry answered the push with. */
  digest: string;
  /** `repository@digest`: the pushed image, pinned. */
  repoDigest: string;
}

type Problem = { property: string; reason: string };

const component = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
/** Docker's reference grammar for a repository with its registry host. */
const repositoryPattern = new RegExp(
  String.raw`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?${component}(?:/${component})*$`,
);
const tagPattern = /^[\w][\w.-]{0,127}$/;

/** The registry host of a repository (`docker.io` when it names none), as `X-Registry-Auth` names it. */
export function registryHost(repository: string): string {
  const first = repository.split("/")[0];
  const isHost =
    repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isHost ? first : "docker.io";
}

const known = (value: unknown) => value !== undefined && !isUnknown(value);

/** Problems with the known inputs of an image; values not known yet (preview) pass. */
export function imageInputProblems(news: ImageInputs): Problem[] {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const problems: Problem[] = [...knownConnectionProblems(news.connection)];
  const { context, dockerfile, repository, tag } = news as unknown as Record<string, unknown>;
  if (known(context)) {
    if (typeof context !== "string" || !path.isAbsolute(context)) {
      problems.push({ property: "context", reason: "must be an absolute directory path" });
    } else if (!fs.statSync(context, { throwIfNoEntry: false })?.isDirectory()) {
      problems.push({ property: "context", reason: `${context} is not a directory` });
    } else if (known(dockerfile)) {
      const file = typeof dockerfile === "string" ? path.resolve(context, dockerfile) : "";
      const inside = file.startsWith(`${context}${path.sep}`);
      if (!inside) problems.push({ property: "dockerfile", reason: "must be a path inside the context" });
      else if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
        problems.push({ property: "dockerfile", reason: `${file} is not a file` });
    }
  }
  if (known(repository) && !(typeof repository === "string" && repositoryPattern.test(repository))) {
    problems.push({
      property: "repository",
      reason: "must be a repository without tag or digest, such as registry.example.com/team/app",
    });
  }
  if (known(tag) && !(typeof tag === "string" && tagPattern.test(tag))) {
    problems.push({
      property: "tag",
      reason: "must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    });
  }
  const registry = news.registry as unknown;
  const server =
    registry && !isUnknown(registry) ? (registry as { serveraddress?: unknown }).serveraddress : undefined;
  const host = typeof repository === "string" ? registryHost(repository) : undefined;
  // Docker Hub goes by several names (docker.io, index.docker.io, https://index.docker.io/v1/).
  if (known(server) && host && host !== "docker.io" && server !== host) {
    problems.push({
      property: "registry.server",
      reason: `is ${JSON.stringify(server)}, but the repository is on ${host}`,
    });
  }
  problems.push(...secretProblems(news.secrets));
  problems.push(...cacheProblems(news));
  return problems;
}

function cacheProblems(news: ImageInputs): Problem[] {
  const problems: Problem[] = [];
  const { platform, cacheFrom, noCache } = news as unknown as Record<string, unknown>;
  if (known(platform) && platform !== "" && !imagePlatforms.includes(platform as string)) {
    problems.push({
      property: "platform",
      reason: `${JSON.stringify(platform)} is not one of ${imagePlatforms.join(", ")}`,
    });
  }
  if (known(cacheFrom)) {
    if (!Array.isArray(cacheFrom))
      problems.push({ property: "cacheFrom", reason: "must be a list of images" });
    else
      cacheFrom.forEach((ref, i) => {
        if (isUnknown(ref)) return;
        if (typeof ref !== "string" || ref === "" || /\s/.test(ref))
          problems.push({
            property: `cacheFrom[${i}]`,
            reason: `must be an image reference such as registry.example.com/team/app:latest, not ${JSON.stringify(ref)}`,
          });
      });
  }
  if (known(noCache) && typeof noCache !== "boolean")
    problems.push({ property: "noCache", reason: "must be true or false" });
  if (noCache === true && Array.isArray(cacheFrom) && cacheFrom.length > 0)
    problems.push({
      property: "noCache",
      reason: "reuses no layer, so cacheFrom would be ignored: give one of them",
    });
  return problems;
}

function secretProblems(secrets: unknown): Problem[] {
  if (!known(secrets)) return [];
  const problems: Problem[] = [];
  for (const [id, source] of Object.entries(secrets as Record<string, unknown>)) {
    if (isUnknown(source)) continue;
    const { file, env } = (source ?? {}) as BuildSecretSource;
    if ((file === undefined) === (env === undefined)) {
      problems.push({ property: `secrets.${id}`, reason: "must name exactly one source: file or env" });
    }
  }
  return problems;
}
