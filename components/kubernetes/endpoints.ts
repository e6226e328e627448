import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceEndpoint } from "../cluster";
import type { NormalizedService } from "../spec";

/** The address a LoadBalancer Service or an Ingress got, once the cluster assigned one. */
export function loadBalancerAddress(
  status: pulumi.Output<
    k8s.types.output.core.v1.ServiceStatus | k8s.types.output.networking.v1.IngressStatus
  >,
): pulumi.Output<string | undefined> {
  return status.apply((s) => {
    const first = s?.loadBalancer?.ingress?.[0];
    return first?.ip || first?.hostname || undefined;
  });
}

/** Public addresses assigned so far. */
export interface PublicAddresses {
  /** Of the `<service>-public` LoadBalancer Service. */
  loadBalancer?: string;
  /** Of the service's Ingress. */
  ingress?: string;
}

/**
 * Each port as other pods reach it (`<service>.<namespace>.svc.cluster.local`, the default cluster
 * domain), with its public address once known: the load balancer's address and published port, or for
 * an HTTP-routed port its Ingress host (or address) on port 443 with TLS, 80 without.
 */
export function endpointsOf(
  service: NormalizedService,
  namespace: string,
  addresses: PublicAddresses,
): ServiceEndpoint[] {
  const host = `${service.name}.${namespace}.svc.cluster.local`;
  return service.ports.map((p) => {
    let publicAddress: string | undefined;
    if (p.http && addresses.ingress !== undefined) {
      publicAddress = `${p.http.host ?? addresses.ingress}:${p.http.tls ? 443 : 80}`;
    } else if (p.public && p.publishMode === "ingress" && !p.http && addresses.loadBalancer !== undefined) {
      publicAddress = `${addresses.loadBalancer}:${p.published}`;
    }
    return {
      host,
      port: p.target,
      protocol: p.protocol,
      ...(publicAddress !== undefined && { publicAddress }),
    };
  });
}
