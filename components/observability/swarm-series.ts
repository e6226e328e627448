/**
 * The series a swarm's monitoring records from Prometheus's view of the swarm's task list, for Berth's
 * dashboard and alert rules to read. Each is a recording rule's name and carries a `service` label, the
 * swarm service's name. Node exporter's and cAdvisor's series on a swarm carry a `node` label, the
 * node's hostname.
 */
export const swarmServiceSeries = {
  /** Tasks a service asks for: its replicas, or one per eligible node for a global service. */
  desiredTasks: "berth:service_tasks_desired:count",
  /** Tasks of a service that are running. */
  runningTasks: "berth:service_tasks_running:count",
  /** Tasks of a service started in the last 15 minutes to replace tasks that ended. */
  restarts: "berth:service_task_restarts:increase15m",
} as const;
