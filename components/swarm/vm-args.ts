/** Checks shared by the components that make swarm nodes from cloud VMs. */

const ipv4Cidr = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const ipv6Cidr = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|\d?\d)$/;

/** Whether `value` is an IPv4 or IPv6 CIDR block such as `203.0.113.7/32`. */
export function isCidr(value: unknown): value is string {
  return typeof value === "string" && (ipv4Cidr.test(value) || ipv6Cidr.test(value));
}

export interface VmCountArgs {
  managers?: number;
  workers?: number;
  adminCidr?: string;
}

/** Problems with the counts and the admin CIDR, as `field: message` lines. */
export function vmArgProblems(args: VmCountArgs, spreadOver: { field: string; count: number }): string[] {
  const problems: string[] = [];
  const managers = args.managers ?? 3;
  const workers = args.workers ?? 2;
  if (!Number.isInteger(managers) || managers < 1)
    problems.push(`managers: must be a whole number of at least 1, not ${JSON.stringify(args.managers)}`);
  if (!Number.isInteger(workers) || workers < 0)
    problems.push(`workers: must be a whole number of at least 0, not ${JSON.stringify(args.workers)}`);
  if (args.adminCidr === undefined)
    problems.push(
      "adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
    );
  else if (!isCidr(args.adminCidr))
    problems.push(
      `adminCidr: must be a CIDR block such as 203.0.113.7/32, not ${JSON.stringify(args.adminCidr)}`,
    );
  if (spreadOver.count === 0) problems.push(`${spreadOver.field}: must list at least one`);
  return problems;
}

/** The role and stable name of each VM: managers first, then workers. */
export function vmRoster(name: string, managers: number, workers: number) {
  return [
    ...Array.from({ length: managers }, (_, i) => ({
      name: `${name}-manager-${i}`,
      role: "manager" as const,
      index: i,
    })),
    ...Array.from({ length: workers }, (_, i) => ({
      name: `${name}-worker-${i}`,
      role: "worker" as const,
      index: managers + i,
    })),
  ];
}
