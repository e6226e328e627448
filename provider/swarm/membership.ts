import type * as pulumi from "@pulumi/pulumi";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { connectionProblems, describeConnection } from "../shared/engine";
import { engineMessage } from "../shared/engine-errors";
import { engineLog } from "../shared/log";
import { isKnown, isUnknown } from "../shared/unknowns";
import {
  describeStep,
  diffMembership,
  managerLossProblem,
  memberListIssues,
  type MemberSpec,
  planMembership,
  quorumProblem,
  replacesMachine,
  unknownAt,
} from "./membership-plan";
import {
  inspectNode,
  listNodes,
  localSwarmState,
  type LiveNode,
  nodeNameLabel,
  nodeSpec,
  reach,
  updateNode,
  waitFor,
  waitUntilEmpty,
  waitUntilReady,
} from "./node-ops";
import { isOwnedBy, type Owner, ownerLabels, userLabels } from "./ownership";

/** Settings fixed when the swarm is formed. */
export interface SwarmSettings {
  /** Subnets overlay networks are carved from. Default: the engine's (10.0.0.0/8). */
  defaultAddrPool?: string[];
  /** Prefix length of each network from the pool. Default: 24. */
  subnetSize?: number;
  /** The VXLAN port. Default: 4789. */
  dataPathPort?: number;
  /** Lock managers' Raft keys at rest; they need the unlock key after a restart. */
  autolock: boolean;
}

/** Change a value to rotate that credential. */
export interface RotationTriggers {
  workerToken: string;
  managerToken: string;
  unlockKey: string;
}

export interface MembershipInputs {
  owner: Owner;
  nodes: MemberSpec[];
  swarm: SwarmSettings;
  rotate: RotationTriggers;
  /** How long a node may take to join, drain or leave. */
  timeoutSeconds: number;
}

export interface MembershipOutputs extends MembershipInputs {
  swarmId: string;
  /** Swarm node ids by node name. */
  nodeIds: Record<string, string>;
  joinTokens: { worker: string; manager: string };
  /** Empty unless autolock is on. */
  unlockKey: string;
  /** `<advertise address>:2377` of every manager. */
  managerAddresses: string[];
}

interface SwarmObject {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown> & { Labels?: Record<string, string> };
  JoinTokens: { Worker: string; Manager: string };
}

const managerAddress = (m: MemberSpec) => `${m.advertiseAddr}:2377`;

async function unlockKeyOf(manager: Dockerode): Promise<string> {
  const answer = await new Promise<{ UnlockKey?: string }>((resolve, reject) =>
    manager.modem.dial(
      { path: "/swarm/unlockkey", method: "GET", statusCodes: { 200: true } },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { UnlockKey?: string })),
    ),
  );
  return answer.UnlockKey ?? "";
}

/** A manager Berth speaks to the swarm through, and the swarm as it answered. */
interface Manager {
  docker: Dockerode;
  member: MemberSpec;
  swarm: SwarmObject;
}

/** No manager of the swarm answered; `elsewhere` lists the nodes found managing another swarm. */
class NoManagerError extends Error {
  constructor(
    message: string,
    readonly elsewhere: string[],
    /** Every candidate answered, outside any swarm. */
    readonly allLeft: boolean,
  ) {
    super(message);
  }
}

/**
 * The first manager of `members` (each name tried once) that answers as a manager of the swarm
 * `swarmId` and that the swarm reports reachable; failing that, the first that answered at all (a
 * swarm electing its leader cannot say).
 */
async function findManager(members: MemberSpec[], swarmId: string): Promise<Manager> {
  const problems: string[] = [];
  let unsure: Manager | undefined;
  const elsewhere: string[] = [];
  let left = 0;
  const candidates = members.filter(
    (m, i) => m.role === "manager" && members.findIndex((o) => o.name === m.name) === i,
  );
  for (const member of candidates) {
    try {
      const docker = await reach(member);
      if ((await localSwarmState(docker)).state === "inactive") {
        left++;
        problems.push(`${member.name} is in no swarm`);
        continue;
      }
      const swarm = (await docker.swarmInspect()) as SwarmObject;
      if (swarm.ID !== swarmId) {
        elsewhere.push(member.name);
        problems.push(
          `${member.name} (${describeConnection(member.connection)}) manages the swarm ${swarm.ID}, not this resource's swarm ${swarmId}`,
        );
        continue;
      }
      const found = { docker, member, swarm };
      const self = await inspectNode(docker, (await localSwarmState(docker)).nodeId).catch(() => undefined);
      if (self?.ManagerStatus?.Reachability === "reachable") return found;
      unsure ??= found;
      problems.push(`${member.name} answers, but the swarm does not report it reachable`);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (unsure) return unsure;
  throw new NoManagerError(
    `no manager of the swarm ${swarmId} answers: ${problems.join("; ")}`,
    elsewhere,
    candidates.length > 0 && left === candidates.length,
  );
}

async function describeSwarm(manager: Dockerode, inputs: MembershipInputs, nodeIds: Record<string, string>) {
  const swarm = (await manager.swarmInspect()) as SwarmObject;
  const outs: MembershipOutputs = {
    ...inputs,
    swarmId: swarm.ID,
    nodeIds,
    joinTokens: { worker: swarm.JoinTokens.Worker, manager: swarm.JoinTokens.Manager },
    unlockKey: inputs.swarm.autolock ? await unlockKeyOf(manager) : "",
    managerAddresses: inputs.nodes.filter((m) => m.role === "manager").map(managerAddress),
  };
  return outs;
}

/**
 * Where `manager` takes swarm traffic, as the swarm knows it: its definition's address may be one it
 * is about to move to.
 */
async function controlAddress(manager: Manager): Promise<string> {
  const self = await inspectNode(manager.docker, (await localSwarmState(manager.docker)).nodeId);
  return self?.ManagerStatus?.Addr ?? managerAddress(manager.member);
}

/** Joins `member` to the swarm through `manager`, and gives its node the spec Berth wants. */
async function join(manager: Manager, member: MemberSpec, inputs: MembershipInputs): Promise<string> {
  const docker = await reach(member, inputs.timeoutSeconds * 1000);
  const local = await localSwarmState(docker);
  if (local.state !== "inactive") {
    // Joined in an interrupted run: the manager knows the node. (A worker cannot inspect the swarm itself.)
    const ours = local.state === "active" && (await inspectNode(manager.docker, local.nodeId)) !== undefined;
    if (!ours)
      throw new Error(
        `node ${member.name} is already in a swarm (state ${local.state}); it must leave it first`,
      );
  } else {
    engineLog("info", `${member.name}: joining the swarm as a ${member.role}`);
    await docker.swarmJoin({
      ListenAddr: member.listenAddr,
      AdvertiseAddr: member.advertiseAddr,
      ...(member.dataPathAddr ? { DataPathAddr: member.dataPathAddr } : {}),
      RemoteAddrs: [await controlAddress(manager)],
      JoinToken:
        member.role === "manager" ? manager.swarm.JoinTokens.Manager : manager.swarm.JoinTokens.Worker,
    });
  }
  const { nodeId } = await localSwarmState(docker);
  await waitUntilReady(manager.docker, nodeId, member.name, inputs.timeoutSeconds * 1000);
  if (member.role === "manager") {
    // The next step may take a manager out: this one must count in the quorum first.
    await waitFor(
      async () =>
        (await inspectNode(manager.docker, nodeId).catch(() => undefined))?.ManagerStatus?.Reachability ===
        "reachable",
      inputs.timeoutSeconds * 1000,
      () => `${member.name} joined as a manager but was not reachable within ${inputs.timeoutSeconds} s`,
    );
  }
  await updateNode(manager.docker, nodeId, () => nodeSpec(member, inputs.owner));
  return nodeId;
}

/** Drains a node, waits for its tasks to move, demotes it if it manages, has it leave and forgets it. */
async function remove(
  manager: Dockerode,
  member: MemberSpec,
  nodeId: string,
  inputs: MembershipInputs,
): Promise<void> {
  const timeoutMs = inputs.timeoutSeconds * 1000;
  const live = await inspectNode(manager, nodeId);
  if (live) {
    engineLog("info", `${member.name}: draining before it leaves`);
    await updateNode(manager, nodeId, (spec) => ({ ...spec, Availability: "drain" }));
    await waitUntilEmpty(manager, nodeId, member.name, timeoutMs);
    if (live.Spec.Role === "manager") {
      engineLog("info", `${member.name}: demoting to worker before it leaves`);
      await updateNode(manager, nodeId, (spec) => ({ ...spec, Availability: "drain", Role: "worker" }));
      await waitFor(
        async () => !(await inspectNode(manager, nodeId))?.ManagerStatus,
        timeoutMs,
        () => `${member.name} was demoted but still counts as a manager after ${inputs.timeoutSeconds} s`,
      );
    }
  }
  try {
    const docker = await reach(member);
    if ((await localSwarmState(docker)).state !== "inactive") await docker.swarmLeave({ force: false });
  } catch (err) {
    engineLog(
      "warn",
      `${member.name} could not be told to leave (${engineMessage(err)}); its node entry is removed anyway`,
    );
  }
  if (live) await manager.getNode(nodeId).remove({ force: true });
}

const sameOwner = (a: Owner, b: Owner) => JSON.stringify(ownerLabels(a)) === JSON.stringify(ownerLabels(b));

async function rotate(manager: Dockerode, olds: MembershipOutputs, news: MembershipInputs): Promise<void> {
  const worker = olds.rotate.workerToken !== news.rotate.workerToken;
  const managerToken = olds.rotate.managerToken !== news.rotate.managerToken;
  const unlock = olds.rotate.unlockKey !== news.rotate.unlockKey && news.swarm.autolock;
  const autolockChanged = olds.swarm.autolock !== news.swarm.autolock;
  const relabel = !sameOwner(olds.owner, news.owner);
  if (!worker && !managerToken && !unlock && !autolockChanged && !relabel) return;
  const swarm = (await manager.swarmInspect()) as SwarmObject;
  const spec = {
    ...swarm.Spec,
    Labels: { ...swarm.Spec.Labels, ...ownerLabels(news.owner) },
    EncryptionConfig: { ...(swarm.Spec.EncryptionConfig as object), AutoLockManagers: news.swarm.autolock },
  };
  engineLog(
    "info",
    `updating the swarm${worker ? ", rotating the worker join token" : ""}${managerToken ? ", rotating the manager join token" : ""}${unlock ? ", rotating the unlock key" : ""}${autolockChanged ? `, autolock ${news.swarm.autolock ? "on" : "off"}` : ""}`,
  );
  await manager.swarmUpdate({
    _query: {
      version: swarm.Version.Index,
      rotateWorkerToken: worker,
      rotateManagerToken: managerToken,
      rotateManagerUnlockKey: unlock,
    },
    _body: spec,
  });
}

type Failure = { property: string; reason: string };

/** What is wrong with the known part of the node list; values not known yet are not judged. */
function nodeFailures(news: MembershipInputs): Failure[] {
  const nodes: unknown = news.nodes;
  if (isUnknown(nodes)) return [];
  if (!Array.isArray(nodes)) return [{ property: "nodes", reason: "must be a list of nodes" }];
  const issues = memberListIssues(nodes, (i, at, add) => {
    const n = nodes[i] as Partial<Record<keyof MemberSpec, unknown>>;
    if (!isUnknown(n.connection)) {
      const connection = n.connection as MemberSpec["connection"] | undefined;
      if (!connection?.protocol) add(at, "needs ssh or tls to reach its engine");
      for (const p of connectionProblems(connection, `${at}.connection`)) add(p.property, p.reason);
    }
    if (!isUnknown(n.advertiseAddr) && !n.advertiseAddr) add(`${at}.advertiseAddr`, "is required");
  });
  return issues.filter((i) => !unknownAt(news, i.path)).map((i) => ({ property: i.path, reason: i.message }));
}

/**
 * A change of a known node list that no live state could make safe (the only manager moving to new
 * addresses, say), told at preview. The live swarm is checked again before anything is touched.
 */
function planFailure(olds: Partial<MembershipInputs>, news: MembershipInputs): Failure | undefined {
  if (!Array.isArray(olds.nodes) || !isKnown(olds.nodes) || !isKnown(news.nodes)) return undefined;
  const managers = olds.nodes
    .filter((n) => n.role === "manager")
    .map((n) => ({ name: n.name, reachable: true }));
  const problem =
    quorumProblem(managers, planMembership(olds.nodes, news.nodes)) ??
    managerLossProblem(olds.nodes, news.nodes);
  return problem ? { property: "nodes", reason: problem } : undefined;
}

/**
 * A swarm's membership: forms it on the first manager, joins the other nodes, keeps each node's role,
 * labels and availability, and takes nodes out safely (drained, demoted, left, forgotten). A change
 * that would lose the managers' quorum is refused before anything is touched.
 */
export const membershipProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<MembershipInputs>, news: MembershipInputs) {
    const failures = nodeFailures(news);
    const planned = failures.length === 0 ? planFailure(olds, news) : undefined;
    if (planned) failures.push(planned);
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: MembershipOutputs, news: MembershipInputs) {
    return diffMembership(olds, news);
  },

  async create(inputs: MembershipInputs) {
    const founder = inputs.nodes.find((n) => n.role === "manager")!;
    const docker = await reach(founder, inputs.timeoutSeconds * 1000);
    const local = await localSwarmState(docker);
    if (local.state === "active") {
      const adopted = (await docker.swarmInspect()) as SwarmObject;
      if (!isOwnedBy(adopted.Spec.Labels, inputs.owner))
        throw new Error(
          `node ${founder.name} is already in a swarm that this stack did not form; it must leave it first`,
        );
      engineLog(
        "info",
        `${founder.name}: carrying on with the swarm this stack formed in an interrupted run`,
      );
    } else if (local.state !== "inactive") {
      throw new Error(`node ${founder.name} is in swarm state "${local.state}"; it must be inactive`);
    } else {
      engineLog("info", `${founder.name}: forming the swarm (advertising ${founder.advertiseAddr})`);
      await docker.swarmInit({
        ListenAddr: founder.listenAddr,
        AdvertiseAddr: founder.advertiseAddr,
        ...(founder.dataPathAddr ? { DataPathAddr: founder.dataPathAddr } : {}),
        ...(inputs.swarm.defaultAddrPool ? { DefaultAddrPool: inputs.swarm.defaultAddrPool } : {}),
        ...(inputs.swarm.subnetSize ? { SubnetSize: inputs.swarm.subnetSize } : {}),
        ...(inputs.swarm.dataPathPort ? { DataPathPort: inputs.swarm.dataPathPort } : {}),
        Spec: {
          Labels: ownerLabels(inputs.owner),
          EncryptionConfig: { AutoLockManagers: inputs.swarm.autolock },
        },
      });
    }
    const founderId = (await localSwarmState(docker)).nodeId;
    await updateNode(docker, founderId, () => nodeSpec(founder, inputs.owner));
    const manager: Manager = { docker, member: founder, swarm: (await docker.swarmInspect()) as SwarmObject };
    const nodeIds: Record<string, string> = { [founder.name]: founderId };
    for (const member of inputs.nodes.filter((n) => n !== founder)) {
      nodeIds[member.name] = await join(manager, member, inputs);
    }
    const outs = await describeSwarm(docker, inputs, nodeIds);
    return { id: outs.swarmId, outs };
  },

  async read(id: string, props: MembershipOutputs) {
    let manager: Dockerode;
    try {
      manager = (await findManager(props.nodes, id)).docker;
    } catch (err) {
      // Every manager answered and has left: the swarm is gone. One in another swarm is an error.
      if (err instanceof NoManagerError && err.allLeft) return {};
      throw err;
    }
    const live = await listNodes(manager);
    const byName = new Map(live.map((n) => [n.Spec.Labels?.[nodeNameLabel], n] as const));
    const nodes: MemberSpec[] = [];
    const nodeIds: Record<string, string> = {};
    for (const member of props.nodes) {
      const node = byName.get(member.name);
      if (!node) continue;
      nodeIds[member.name] = node.ID;
      nodes.push({
        ...member,
        role: node.Spec.Role as MemberSpec["role"],
        availability: node.Spec.Availability as MemberSpec["availability"],
        labels: Object.fromEntries(
          Object.entries(userLabels(node.Spec.Labels)).filter(([key]) => key !== nodeNameLabel),
        ),
      });
    }
    const outs = await describeSwarm(manager, { ...props, nodes }, nodeIds);
    return { id, props: { ...outs, rotate: props.rotate } };
  },

  async update(id: string, olds: MembershipOutputs, news: MembershipInputs) {
    // Any manager that stays (through its new connection), or failing that any old one, speaks for it.
    const speakers = () => [
      ...news.nodes.filter((n) => olds.nodes.some((o) => o.name === n.name && o.role === "manager")),
      ...olds.nodes,
    ];
    let manager = await findManager(speakers(), id);
    if (!isOwnedBy(manager.swarm.Spec.Labels, olds.owner))
      throw new Error(`the swarm ${id} is not labelled as this resource's; nothing was changed`);
    const steps = planMembership(olds.nodes, news.nodes);

    const live = await listNodes(manager.docker);
    const nameOf = (n: LiveNode) => n.Spec.Labels?.[nodeNameLabel] ?? n.ID;
    const liveManagers = live
      .filter((n) => n.ManagerStatus)
      .map((n) => ({ name: nameOf(n), reachable: n.ManagerStatus?.Reachability === "reachable" }));
    const problem = quorumProblem(liveManagers, steps);
    if (problem) throw new Error(`${problem}; nothing was changed`);

    const nodeIds = { ...olds.nodeIds };
    const touched = new Set<string>();
    for (const step of steps) {
      touched.add(step.member.name);
      if (step.kind === "join") {
        nodeIds[step.member.name] = await join(manager, step.member, news);
      } else if (step.kind === "configure") {
        const change =
          step.from.role !== step.member.role
            ? ` (${step.member.role === "manager" ? "promoting" : "demoting"})`
            : "";
        engineLog("info", `${step.member.name}: updating its node spec${change}`);
        await updateNode(manager.docker, nodeIds[step.member.name], () => nodeSpec(step.member, news.owner));
      } else if (step.kind === "rejoin" && replacesMachine(step)) {
        // A new machine (Pulumi creates it before deleting the old one): it joins, then the old one
        // leaves, so the swarm never has fewer managers than before.
        engineLog("info", `${describeStep(step)}; on a new machine, which joins before the old one leaves`);
        const oldId = nodeIds[step.member.name];
        nodeIds[step.member.name] = await join(manager, step.member, news);
        const others = speakers().filter((n) => n.name !== step.member.name);
        const speaker = await findManager(
          [...(step.member.role === "manager" ? [step.member] : []), ...others],
          id,
        );
        await remove(speaker.docker, step.from, oldId, news);
        manager = await findManager(speakers(), id);
      } else if (step.kind === "rejoin") {
        // Another manager speaks while this node is out of the swarm.
        const others = speakers().filter((n) => n.name !== step.member.name);
        const speaker = await findManager(others, id);
        engineLog("info", describeStep(step));
        await remove(speaker.docker, step.member, nodeIds[step.member.name], news);
        nodeIds[step.member.name] = await join(speaker, step.member, news);
        manager = await findManager(speakers(), id);
      } else {
        await remove(manager.docker, step.member, nodeIds[step.member.name], news);
        delete nodeIds[step.member.name];
      }
    }
    if (!sameOwner(olds.owner, news.owner)) {
      // A renamed resource (with an alias): every node carries the new name.
      for (const member of news.nodes.filter((n) => !touched.has(n.name)))
        await updateNode(manager.docker, nodeIds[member.name], () => nodeSpec(member, news.owner));
    }
    await rotate(manager.docker, olds, news);
    return { outs: await describeSwarm(manager.docker, news, nodeIds) };
  },

  async delete(id: string, props: MembershipOutputs) {
    let manager: Manager;
    try {
      manager = await findManager(props.nodes, id);
    } catch (err) {
      if (err instanceof NoManagerError && err.elsewhere.length > 0) throw err;
      engineLog("warn", `the swarm could not be reached to take apart: ${(err as Error).message}`);
      return;
    }
    if (!isOwnedBy(manager.swarm.Spec.Labels, props.owner)) return;
    const others = props.nodes.filter((n) => n.name !== manager.member.name);
    // Managers are demoted while the swarm still has its quorum, so that each can leave cleanly.
    for (const member of others.filter((n) => n.role === "manager")) {
      const nodeId = props.nodeIds[member.name];
      const node = await inspectNode(manager.docker, nodeId);
      if (node?.ManagerStatus)
        await updateNode(manager.docker, nodeId, (spec) => ({ ...spec, Role: "worker" })).catch(
          (err: unknown) => engineLog("warn", `${member.name} could not be demoted: ${engineMessage(err)}`),
        );
    }
    // All of them workers now, with the swarm going: they leave together, not one after another.
    await Promise.all(
      others.map(async (member) => {
        try {
          const docker = await reach(member);
          if ((await localSwarmState(docker)).state !== "inactive") await docker.swarmLeave({ force: true });
        } catch (err) {
          engineLog("warn", `${member.name} could not leave the swarm: ${(err as Error).message}`);
        }
      }),
    );
    engineLog("info", `${manager.member.name}: leaving; the swarm is gone`);
    await manager.docker.swarmLeave({ force: true });
  },
};
