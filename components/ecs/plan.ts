import { type NormalizedService, renderEcs, SpecError, type SpecIssue } from "../spec";
import type { EcsRenderOptions } from "../spec/render/ecs";
import type { EcsRendering } from "../spec/render/ecs-types";
import { Refusals, type RenderOptions } from "../spec/render/refusals";

export type LaunchType = "FARGATE" | "EC2";

/** What the plan needs from the cluster. */
export interface PlanContext {
  clusterName: string;
  hasEc2Capacity: boolean;
  certificateArn?: unknown;
  /**
   * Public HTTP ports may listen with plain HTTP when the cluster has no certificate.
   * @default false
   */
  allowPlainHttp?: boolean;
}

/** What the workload brings besides the spec: which secrets come with content, and the init image. */
export type PlanOptions = RenderOptions & Pick<EcsRenderOptions, "secretFiles" | "initImage">;

export interface EcsPlan {
  launchType: LaunchType;
  /**
   * Where secret parameters are named: `<prefix>/<service>/<VARIABLE>` for `secretEnv`,
   * `<prefix>/<service>/files/<source>` for secret files.
   */
  secretParameterPrefix: string;
  /** The options the service was rendered with (without the notices), to render the resolved service alike. */
  renderOptions: EcsRenderOptions;
  rendering: EcsRendering;
}

/** The SSM path of a cluster's secret variables: `/berth/<cluster>`. */
export const secretParameterPrefix = (clusterName: string) => `/berth/${clusterName}`;

/** How many fields a launch type cannot honour (refused or ignorable), or Infinity when refused. */
function unmet(n: NormalizedService, launchType: LaunchType, options: PlanOptions): number {
  let ignored = 0;
  try {
    renderEcs(n, { ...options, launchType, onIgnored: () => ignored++ });
  } catch (err) {
    if (err instanceof SpecError) return Infinity;
    throw err;
  }
  return ignored;
}

/**
 * Fargate, unless the cluster has EC2 capacity and the service asks for what only EC2 honours
 * (host volumes, placement constraints, one task per instance...). A global service always runs on EC2.
 */
export function chooseLaunchType(
  n: NormalizedService,
  hasEc2Capacity: boolean,
  options: PlanOptions = {},
): LaunchType {
  if (!hasEc2Capacity) return "FARGATE";
  if (n.mode === "global") return "EC2";
  const fargate = unmet(n, "FARGATE", options);
  return fargate > 0 && unmet(n, "EC2", options) < fargate ? "EC2" : "FARGATE";
}

/** What the cluster cannot serve although the renderer accepts it. */
function clusterRefusals(n: NormalizedService, context: PlanContext, options: RenderOptions): SpecIssue[] {
  const refusals = new Refusals(n, "ecs", options);
  n.ports.forEach((p, i) => {
    if (p.http?.tls && context.certificateArn === undefined)
      refusals.refuse(`ports[${i}].http.tls`, "HTTPS needs a certificateArn on the ECS cluster");
    const hc = n.healthCheck;
    if (p.public && p.protocol === "udp" && !hc?.tcp && !hc?.http) {
      refusals.refuse(
        `ports[${i}]`,
        "a Network Load Balancer checks UDP targets over TCP or HTTP; give healthCheck.tcp or healthCheck.http",
      );
    }
  });
  const issues = [...plainHttpIssues(n, context), ...sharedListenerIssues(n, context)];
  try {
    refusals.throwIfAny();
  } catch (err) {
    if (err instanceof SpecError) return [...err.issues, ...issues];
    throw err;
  }
  return issues;
}

/** The listener port of a public HTTP port on the service's Application Load Balancer. */
const albPort = (published: number, https: boolean) => (https && published === 80 ? 443 : published);

/**
 * Public HTTP ports without a certificate would listen with plain HTTP on the internet: only when the
 * cluster allows it by name (`allowPlainHttp`). Not a target limit, so `ignoreUnsupported` does not drop it.
 */
function plainHttpIssues(n: NormalizedService, context: PlanContext): SpecIssue[] {
  if (context.certificateArn !== undefined || context.allowPlainHttp === true) return [];
  return n.ports.flatMap((p, i) =>
    p.public && p.http
      ? [
          {
            path: `ports[${i}].http`,
            message: `would listen with plain HTTP on port ${p.published ?? p.target}, open to ${p.sourceRanges ? p.sourceRanges.join(", ") : "the internet"}: give the ECS cluster a certificateArn (HTTPS), or set allowPlainHttp: true on the ECS cluster`,
          },
        ]
      : [],
  );
}

/** HTTP ports that share an Application Load Balancer listener must accept the same clients. */
function sharedListenerIssues(n: NormalizedService, context: PlanContext): SpecIssue[] {
  const https = context.certificateArn !== undefined;
  const first = new Map<number, number>();
  const issues: SpecIssue[] = [];
  const key = (ranges?: string[]) => JSON.stringify(ranges ? [...ranges].sort() : null);
  n.ports.forEach((p, i) => {
    if (!p.public || !p.http) return;
    const port = albPort(p.published ?? p.target, https);
    const j = first.get(port);
    if (j === undefined) first.set(port, i);
    else if (key(n.ports[j].sourceRanges) !== key(p.sourceRanges))
      issues.push({
        path: `ports[${i}].sourceRanges`,
        message: `shares the load balancer's listener on port ${port} with ports[${j}], which accepts ${n.ports[j].sourceRanges ? n.ports[j].sourceRanges?.join(", ") : "any address"}: give both the same sourceRanges, or publish on another port`,
      });
  });
  return issues;
}

/**
 * Renders a service for an ECS cluster: the launch type (see {@link chooseLaunchType}), the renderer's
 * output, and the cluster's own refusals (HTTPS without a certificate, UDP without a TCP or HTTP check).
 * Secret files are written only for the secrets in `options.secretFiles` (those created with the
 * service); any other secret is refused.
 *
 * @throws {@link SpecError} naming the service and every field neither ECS nor the cluster can honour.
 */
export function planEcs(n: NormalizedService, context: PlanContext, options: PlanOptions = {}): EcsPlan {
  const launchType = chooseLaunchType(n, context.hasEc2Capacity, options);
  const prefix = secretParameterPrefix(context.clusterName);
  const { onIgnored: _onIgnored, ...given } = options;
  const renderOptions: EcsRenderOptions = { ...given, launchType, secretParameterPrefix: prefix };
  const issues: SpecIssue[] = [];
  let rendering: EcsRendering | undefined;
  try {
    rendering = renderEcs(n, { ...renderOptions, onIgnored: options.onIgnored });
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    issues.push(...err.issues);
  }
  issues.push(...clusterRefusals(n, context, options));
  if (issues.length > 0 || !rendering) throw new SpecError(n.name, issues);
  return { launchType, secretParameterPrefix: prefix, renderOptions, rendering };
}
