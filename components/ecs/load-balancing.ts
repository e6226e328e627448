import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NormalizedHealthCheck } from "../spec";
import { cidrVersion } from "../spec/cidr";
import type { EcsExposure } from "../spec/render/ecs-types";
import { distinctPorts, type RulePort } from "./network";

/** What the load balancers need from the cluster. */
export interface LoadBalancingContext {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** With it, HTTP ports listen with HTTPS and port 80 redirects to them. */
  certificateArn?: pulumi.Input<string>;
}

export interface Exposed {
  /** For the ECS service's `loadBalancers`. */
  loadBalancers: { targetGroupArn: pulumi.Output<string>; containerName: string; containerPort: number }[];
  /** `host:port` from the internet, by `<protocol>/<containerPort>`. */
  publicAddresses: Map<string, pulumi.Output<string>>;
  /** Listeners and rules: a target group takes tasks only once it is attached to a load balancer. */
  attachments: pulumi.Resource[];
  /**
   * The Application Load Balancer's target groups, by container port, as the `resourceLabel`
   * (`<load balancer arn suffix>/<target group arn suffix>`) that request-count scaling tracks.
   */
  requestCountLabels: { containerPort: number; resourceLabel: pulumi.Output<string> }[];
}

interface Balancer {
  kind: "alb" | "nlb";
  group: aws.ec2.SecurityGroup;
  lb: aws.lb.LoadBalancer;
}

const anywhere = "0.0.0.0/0";

/** A listener port and the client blocks it accepts (none given: any address). */
interface ListenerPort extends RulePort {
  sourceRanges?: string[];
}

/**
 * The client blocks of a listener several exposures share: theirs when they agree (the plan refuses
 * them otherwise); a redirect listener takes every block of the exposures it leads to, or any address
 * when one of them takes any.
 */
function sharedRanges(exposures: EcsExposure[]): string[] | undefined {
  if (exposures.some((e) => e.sourceRanges === undefined)) return undefined;
  return [...new Set(exposures.flatMap((e) => e.sourceRanges ?? []))];
}

/** A resource name part for a CIDR block: `203.0.113.0/24` is `203-0-113-0-24`. */
const rangeSuffix = (cidr: string) => cidr.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "");
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const secondsOf = (ms: number) => Math.ceil(ms / 1000);
export const addressKey = (protocol: string, containerPort: number) => `${protocol}/${containerPort}`;

/**
 * The listener port of an HTTP exposure: with a certificate, a service published on 80 listens with
 * HTTPS on 443 (80 then only redirects).
 */
export function httpListenerPort(exposure: EcsExposure, https: boolean): number {
  return https && exposure.listenerPort === 80 ? 443 : exposure.listenerPort;
}

/** The target group's health check: the service's HTTP or TCP check where it has one. */
export function targetHealthCheck(
  exposure: EcsExposure,
  kind: "alb" | "nlb",
  hc: NormalizedHealthCheck | undefined,
): aws.types.input.lb.TargetGroupHealthCheck {
  const port = (p: number) => (p === exposure.containerPort ? "traffic-port" : String(p));
  const timing = hc && {
    interval: clamp(secondsOf(hc.interval), 5, 300),
    timeout: clamp(Math.min(secondsOf(hc.timeout), secondsOf(hc.interval) - 1), 2, 120),
    unhealthyThreshold: clamp(hc.retries, 2, 10),
  };
  if (hc?.http) {
    return { protocol: "HTTP", path: hc.http.path, port: port(hc.http.port), matcher: "200-399", ...timing };
  }
  if (kind === "alb") {
    return { protocol: "HTTP", path: exposure.http?.path ?? "/", port: "traffic-port", matcher: "200-399" };
  }
  if (hc?.tcp) return { protocol: "TCP", port: port(hc.tcp.port), ...timing };
  return { protocol: "TCP", port: "traffic-port" };
}

/** The ports a load balancer reaches tasks on: its targets, and health check ports off them. */
function targetPorts(
  exposures: EcsExposure[],
  kind: "alb" | "nlb",
  hc: NormalizedHealthCheck | undefined,
): RulePort[] {
  return distinctPorts(
    exposures.flatMap((e) => {
      const check = targetHealthCheck(e, kind, hc).port;
      return [
        { protocol: e.protocol, port: e.containerPort },
        ...(check && check !== "traffic-port" ? [{ protocol: "tcp" as const, port: Number(check) }] : []),
      ];
    }),
  );
}

/**
 * Internet-facing load balancers for a service's public ports: an Application Load Balancer for HTTP
 * ports (routing by host and path; HTTPS with the cluster's certificate and a redirect from 80, plain
 * HTTP without one) and a Network Load Balancer for the other TCP and UDP ports. Targets are task IPs.
 * Each balancer has its own security group: the world may reach its listener ports, and it may reach
 * the service's tasks on the target and health check ports, which the tasks accept from it alone.
 */
export function exposePorts(
  name: string,
  containerName: string,
  exposures: EcsExposure[],
  hc: NormalizedHealthCheck | undefined,
  taskGroup: aws.ec2.SecurityGroup,
  context: LoadBalancingContext,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): Exposed {
  const exposed: Exposed = {
    loadBalancers: [],
    publicAddresses: new Map(),
    attachments: [],
    requestCountLabels: [],
  };
  const http = exposures.filter((e) => e.http);
  const other = exposures.filter((e) => !e.http);
  const https = context.certificateArn !== undefined;
  if (http.length > 0) {
    const listenerPorts: ListenerPort[] = http.map((e) => ({
      protocol: "tcp",
      port: httpListenerPort(e, https),
      ...(e.sourceRanges && { sourceRanges: e.sourceRanges }),
    }));
    const redirectRanges = sharedRanges(http);
    if (https)
      listenerPorts.push({
        protocol: "tcp",
        port: 80,
        ...(redirectRanges && { sourceRanges: redirectRanges }),
      });
    const alb = balancer(name, "alb", listenerPorts);
    applicationListeners(alb, http);
  }
  if (other.length > 0) {
    const nlb = balancer(
      name,
      "nlb",
      other.map((e) => ({
        protocol: e.protocol,
        port: e.listenerPort,
        ...(e.sourceRanges && { sourceRanges: e.sourceRanges }),
      })),
    );
    networkListeners(nlb, other);
  }
  return exposed;

  function balancer(base: string, kind: "alb" | "nlb", listeners: ListenerPort[]): Balancer {
    const id = `${base}-${kind}`;
    const restricted = listeners.some((l) => l.sourceRanges !== undefined);
    const group = new aws.ec2.SecurityGroup(
      id,
      {
        vpcId: context.vpcId,
        description: `Load balancer of ${base}: its listeners from ${restricted ? "their clients" : "anywhere"}, its tasks as targets`,
        tags: { ...tags, Name: id },
      },
      opts,
    );
    const rules: pulumi.Resource[] = [];
    const seen = new Set<string>();
    for (const p of listeners) {
      const key = `${p.protocol}-${p.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ports = { ipProtocol: p.protocol, fromPort: p.port, toPort: p.port };
      const description = `listener ${p.protocol}/${p.port}`;
      if (p.sourceRanges === undefined) {
        rules.push(
          new aws.vpc.SecurityGroupIngressRule(
            `${id}-in-${key}`,
            { securityGroupId: group.id, cidrIpv4: anywhere, ...ports, description, tags },
            opts,
          ),
        );
        continue;
      }
      for (const cidr of p.sourceRanges) {
        const block = cidrVersion(cidr) === 4 ? { cidrIpv4: cidr } : { cidrIpv6: cidr };
        rules.push(
          new aws.vpc.SecurityGroupIngressRule(
            `${id}-in-${key}-from-${rangeSuffix(cidr)}`,
            {
              securityGroupId: group.id,
              ...block,
              ...ports,
              description: `${description} from ${cidr}`,
              tags,
            },
            opts,
          ),
        );
      }
    }
    const served = kind === "alb" ? http : other;
    for (const p of targetPorts(served, kind, hc)) {
      const ports = { ipProtocol: p.protocol, fromPort: p.port, toPort: p.port };
      rules.push(
        new aws.vpc.SecurityGroupEgressRule(
          `${id}-to-tasks-${p.protocol}-${p.port}`,
          {
            securityGroupId: group.id,
            referencedSecurityGroupId: taskGroup.id,
            ...ports,
            description: `${p.protocol}/${p.port} to the tasks of ${base}`,
            tags,
          },
          opts,
        ),
        new aws.vpc.SecurityGroupIngressRule(
          `${base}-tasks-from-${kind}-${p.protocol}-${p.port}`,
          {
            securityGroupId: taskGroup.id,
            referencedSecurityGroupId: group.id,
            ...ports,
            description: `${p.protocol}/${p.port} from the ${kind.toUpperCase()} of ${base}`,
            tags,
          },
          opts,
        ),
      );
    }
    const lb = new aws.lb.LoadBalancer(
      id,
      {
        loadBalancerType: kind === "alb" ? "application" : "network",
        internal: false,
        subnets: context.publicSubnetIds,
        securityGroups: [group.id],
        ...(kind === "alb" && { dropInvalidHeaderFields: true }),
        tags,
      },
      opts,
    );
    exposed.attachments.push(...rules);
    return { kind, group, lb };
  }

  function targetGroup(b: Balancer, e: EcsExposure): aws.lb.TargetGroup {
    const protocol = b.kind === "alb" ? "HTTP" : e.protocol.toUpperCase();
    const tg = new aws.lb.TargetGroup(
      `${name}-tg-${e.protocol}-${e.containerPort}`,
      {
        vpcId: context.vpcId,
        targetType: "ip",
        protocol,
        port: e.containerPort,
        healthCheck: targetHealthCheck(e, b.kind, hc),
        tags,
      },
      opts,
    );
    exposed.loadBalancers.push({ targetGroupArn: tg.arn, containerName, containerPort: e.containerPort });
    if (b.kind === "alb") {
      exposed.requestCountLabels.push({
        containerPort: e.containerPort,
        resourceLabel: pulumi.interpolate`${b.lb.arnSuffix}/${tg.arnSuffix}`,
      });
    }
    return tg;
  }

  function publish(b: Balancer, e: EcsExposure, listenerPort: number): void {
    exposed.publicAddresses.set(
      addressKey(e.protocol, e.containerPort),
      pulumi.interpolate`${b.lb.dnsName}:${listenerPort}`,
    );
  }

  function applicationListeners(alb: Balancer, exposures: EcsExposure[]): void {
    const byPort = new Map<number, EcsExposure[]>();
    for (const e of exposures) {
      const port = httpListenerPort(e, https);
      byPort.set(port, [...(byPort.get(port) ?? []), e]);
    }
    let priority = 0;
    for (const [port, routed] of byPort) {
      const groups = routed.map((e) => targetGroup(alb, e));
      const only = routed.length === 1 && routed[0].http?.host === undefined && routed[0].http?.path === "/";
      const listener = new aws.lb.Listener(
        `${name}-${https ? "https" : "http"}-${port}`,
        {
          loadBalancerArn: alb.lb.arn,
          port,
          protocol: https ? "HTTPS" : "HTTP",
          ...(https && {
            certificateArn: context.certificateArn,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
          }),
          defaultActions: [
            only
              ? { type: "forward", targetGroupArn: groups[0].arn }
              : {
                  type: "fixed-response",
                  fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" },
                },
          ],
          tags,
        },
        opts,
      );
      exposed.attachments.push(listener);
      routed.forEach((e) => publish(alb, e, port));
      if (only) continue;
      routed.forEach((e, i) => {
        const route: { host?: string; path: string } = e.http ?? { path: "/" };
        const paths = route.path === "/" ? ["/*"] : [route.path, `${route.path.replace(/\/$/, "")}/*`];
        exposed.attachments.push(
          new aws.lb.ListenerRule(
            `${name}-route-${e.containerPort}`,
            {
              listenerArn: listener.arn,
              priority: ++priority,
              actions: [{ type: "forward", targetGroupArn: groups[i].arn }],
              conditions: [
                ...(route.host !== undefined ? [{ hostHeader: { values: [route.host] } }] : []),
                { pathPattern: { values: paths } },
              ],
              tags,
            },
            opts,
          ),
        );
      });
    }
    if (https) {
      const to = byPort.has(443) ? 443 : [...byPort.keys()][0];
      exposed.attachments.push(
        new aws.lb.Listener(
          `${name}-http-redirect`,
          {
            loadBalancerArn: alb.lb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [
              { type: "redirect", redirect: { protocol: "HTTPS", port: String(to), statusCode: "HTTP_301" } },
            ],
            tags,
          },
          opts,
        ),
      );
    }
  }

  function networkListeners(nlb: Balancer, exposures: EcsExposure[]): void {
    for (const e of exposures) {
      const tg = targetGroup(nlb, e);
      exposed.attachments.push(
        new aws.lb.Listener(
          `${name}-listen-${e.protocol}-${e.listenerPort}`,
          {
            loadBalancerArn: nlb.lb.arn,
            port: e.listenerPort,
            protocol: e.protocol.toUpperCase(),
            defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
            tags,
          },
          opts,
        ),
      );
      publish(nlb, e, e.listenerPort);
    }
  }
}
