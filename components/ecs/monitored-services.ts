import type * as pulumi from "@pulumi/pulumi";
import type { NormalizedService } from "../spec";

/** A service an `EcsCluster` runs, as its monitoring needs it. */
export interface MonitoredService {
  /** The name ECS knows the service by (its `ServiceName` dimension in CloudWatch). */
  name: string;
  /** The service as validated at preview: its mode, replicas and autoscaling. */
  preview: NormalizedService;
  /**
   * The ECS service's name as the deployed service reports it: alarms read it, so that they are created
   * once the service is steady rather than before it exists.
   */
  deployedName: pulumi.Output<string>;
}

/** What watches a cluster's services: called once for each, whether it came before or after. */
export type ServiceWatcher = (service: MonitoredService) => void;

/**
 * The services of one cluster and the one watcher of them (its monitoring). A service deployed before the
 * watcher subscribes is handed to it on subscription, one deployed after when it is added, so the order
 * of `Monitoring` and `ContainerService` in a program does not matter.
 */
export class MonitoredServices {
  private readonly services: MonitoredService[] = [];
  private watcher?: { owner: string; watch: ServiceWatcher };

  /** The name of the monitoring that watches the services, if one does. */
  get watchedBy(): string | undefined {
    return this.watcher?.owner;
  }

  /** Records a service and hands it to the watcher, if there is one. */
  add(service: MonitoredService): void {
    this.services.push(service);
    this.watcher?.watch(service);
  }

  /**
   * Makes `watch` the watcher, and hands it every service recorded so far.
   * @throws Error when another watcher subscribed already.
   */
  subscribe(owner: string, watch: ServiceWatcher): void {
    if (this.watcher) throw new Error(`the cluster's services are watched by ${this.watcher.owner} already`);
    this.watcher = { owner, watch };
    for (const service of this.services) watch(service);
  }
}
