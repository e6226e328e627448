/**
 * What the engine says about the services being waited on, asked once for all of them. Every
 * `SwarmService` of a deployment waits in the same provider host; fifty of them polling the engine
 * each on their own is hundreds of requests a second, which slows the very tasks they wait for. A
 * board gathers the polls that arrive together and answers them from one task list, one service list
 * and one node list, so the engine's load does not grow with the number of services.
 */
import { createHash } from "crypto";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");

export interface Task {
  ID: string;
  ServiceID?: string;
  Spec?: Record<string, unknown>;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Err?: string; Message?: string; Timestamp?: string };
  Version?: { Index: number };
  /** The run of a job the task belongs to (Engine API 1.41+). */
  JobIteration?: { Index: number };
  /**
   * Set by the board: whether the engine counts the task as made from the service's current spec.
   * Comparing `Spec` with the service's template here would be wrong: the API shows the two
   * differently (a service can show an empty `DNSConfig` its tasks omit, after a leader change).
   */
  upToDate?: boolean;
}

export interface NodeState {
  ID: string;
  Status: { State: string };
  /** What the node reports of itself: `Platform.Architecture` is the kernel's name (`x86_64`, `aarch64`). */
  Description?: { Platform?: { Architecture?: string; OS?: string } };
}

export interface ServiceState {
  ID: string;
  UpdateStatus?: { State?: string; Message?: string };
  /** A job's current run (Engine API 1.41+): only its tasks count. */
  JobStatus?: { JobIteration?: { Index: number } };
  Spec: {
    TaskTemplate: Record<string, unknown> & {
      RestartPolicy?: { Condition?: string; MaxAttempts?: number };
    };
    UpdateConfig?: { Monitor?: number; FailureAction?: string };
  };
}

/** One service's part of a poll. */
export interface ServicePoll {
  service: ServiceState;
  tasks: Task[];
  nodes: NodeState[];
}

interface Request {
  serviceId: string;
  /** The service must be read in this poll (an update reports its progress there). */
  fresh: boolean;
  resolve: (poll: ServicePoll) => void;
  reject: (err: unknown) => void;
}

/** How long a poll waits for others to join it. */
const gatherMs = 15;
const nodesMaxAgeMs = 2000;
const serviceMaxAgeMs = 1000;

interface TaskBoard {
  /** Waits that joined and have not yet left. */
  members: number;
  /** What the engine says of the service: asked within the next few milliseconds, with every other poll. */
  poll(serviceId: string, fresh: boolean): Promise<ServicePoll>;
  /** Drops what is cached, so that the next poll asks the engine afresh (after an error, say). */
  forget(): void;
}

// A closure, not a class: Pulumi's serialization of a dynamic provider rebuilds a class from its
// constructor alone and would drop field initializers.
function newTaskBoard(docker: Dockerode): TaskBoard {
  let batch: Request[] = [];
  let nodesSeen: { at: number; value: NodeState[] } | undefined;
  let servicesSeen: Record<string, { at: number; value: ServiceState }> = {};

  const forget = () => {
    nodesSeen = undefined;
    servicesSeen = {};
  };

  const flush = async (): Promise<void> => {
    const requests = batch;
    batch = [];
    const ids = [...new Set(requests.map((r) => r.serviceId))];
    const now = Date.now();
    const stale = ids.filter((id) => {
      const cached = servicesSeen[id];
      return (
        !cached || now - cached.at >= serviceMaxAgeMs || requests.some((r) => r.serviceId === id && r.fresh)
      );
    });
    const nodesFresh = nodesSeen !== undefined && now - nodesSeen.at < nodesMaxAgeMs;
    let answer: [Task[], Task[], ServiceState[], NodeState[]];
    try {
      answer = await Promise.all([
        docker.listTasks({ filters: JSON.stringify({ service: ids }) }) as Promise<Task[]>,
        // The filter the docker CLI's progress display uses: the engine compares each task with its
        // service's spec as the orchestrator does when it decides what to replace.
        docker.listTasks({ filters: JSON.stringify({ service: ids, "_up-to-date": ["true"] }) }) as Promise<
          Task[]
        >,
        stale.length === 0
          ? Promise.resolve([])
          : (docker.listServices({ filters: JSON.stringify({ id: stale }) }) as unknown as Promise<
              ServiceState[]
            >),
        nodesFresh ? Promise.resolve(nodesSeen!.value) : (docker.listNodes() as Promise<NodeState[]>),
      ]);
    } catch (err) {
      forget();
      for (const request of requests) request.reject(err);
      return;
    }
    const [allTasks, upToDate, services, nodes] = answer;
    const current = new Set(upToDate.map((t) => t.ID));
    const tasks = allTasks.map((t) => ({ ...t, upToDate: current.has(t.ID) }));
    // Dated when read, not when reused: polls come faster than the list ages, and a list read during a
    // leader election (every node unknown) must not stand for the rest of the wait.
    if (!nodesFresh) nodesSeen = { at: now, value: nodes };
    for (const id of stale) {
      // The engine's `id` filter matches prefixes: only the exact ID counts.
      const service = services.find((s) => s.ID === id);
      if (service) servicesSeen[id] = { at: now, value: service };
      else delete servicesSeen[id];
    }
    for (const request of requests) {
      const service = servicesSeen[request.serviceId]?.value;
      if (!service) request.reject(serviceGone(request.serviceId));
      else request.resolve({ service, tasks: tasks.filter((t) => t.ServiceID === request.serviceId), nodes });
    }
  };

  return {
    members: 0,
    poll: (serviceId, fresh) =>
      new Promise((resolve, reject) => {
        if (batch.length === 0) setTimeout(() => void flush(), gatherMs);
        batch.push({ serviceId, fresh, resolve, reject });
      }),
    forget,
  };
}

/** The engine's answer when a service is not there, as inspecting it would have said. */
function serviceGone(id: string): Error {
  return Object.assign(new Error(`service ${id} not found`), { statusCode: 404 });
}

/**
 * The boards of this process. Kept on globalThis: a module-level object would be copied into each
 * serialized provider, and each copy would poll on its own.
 */
function sharedBoards(): Record<string, TaskBoard> {
  const holder = globalThis as unknown as Record<symbol, Record<string, TaskBoard> | undefined>;
  const key = Symbol.for("berth.swarm.taskBoards");
  holder[key] ??= {};
  return holder[key];
}

export interface TaskBoardMembership {
  poll(serviceId: string, fresh: boolean): Promise<ServicePoll>;
  forget(): void;
  /** Leaves the board; the last wait to leave takes it down. */
  leave(): void;
}

/**
 * Joins the board of the engine `engineKey` names (shared by every wait in this process that gives the
 * same key), or a board of its own when there is no key.
 */
export function joinTaskBoard(docker: Dockerode, engineKey?: string): TaskBoardMembership {
  const boards = sharedBoards();
  const board = engineKey === undefined ? newTaskBoard(docker) : (boards[engineKey] ??= newTaskBoard(docker));
  board.members++;
  let left = false;
  return {
    poll: (serviceId, fresh) => board.poll(serviceId, fresh),
    forget: () => board.forget(),
    leave: () => {
      if (left) return;
      left = true;
      board.members--;
      if (engineKey !== undefined && board.members === 0 && boards[engineKey] === board)
        delete boards[engineKey];
    },
  };
}

/** A key naming the engine a connection reaches, without holding its credentials in clear. */
export function engineKeyOf(connection: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(connection ?? {}))
    .digest("hex");
}
