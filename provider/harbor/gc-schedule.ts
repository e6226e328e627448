import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../shared/unknowns";
import type { HarborConnection } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  sameValue,
} from "./common";
import { cronProblem } from "./cron";
import { gcClient, type GcHistory, type Schedule } from "./gc-client";

/** Harbor's garbage collection schedule, as Berth manages it. */
export interface GcScheduleInputs {
  connection: HarborConnection;
  /** When garbage collection runs: a six-field cron, seconds first. */
  schedule: string;
  /** Delete untagged artifacts too. */
  deleteUntagged: boolean;
  /** Parallel workers, 1 to 5. */
  workers: number;
  /** Take over a schedule Harbor already has (it is restored on delete); without it, create refuses one. */
  adopt: boolean;
}

export interface GcScheduleOutputs extends GcScheduleInputs {
  /**
   * The schedule Harbor had before this resource (type `None` when it had none): what delete puts
   * back. Absent in state written before it was recorded; delete then cancels the schedule.
   */
  priorSchedule?: Schedule;
}

export const gcScheduleDefaults = { deleteUntagged: false, workers: 1, adopt: false } as const;

/** The resource's ID: Harbor has one garbage collection schedule. */
export const gcScheduleId = "gc-schedule";

const what = "harbor garbage collection schedule";

function scheduleOf(inputs: GcScheduleInputs): Schedule {
  return {
    schedule: { type: "Custom", cron: inputs.schedule },
    parameters: { delete_untagged: inputs.deleteUntagged, workers: inputs.workers },
  };
}

/** The schedule Harbor holds, as an update would send it back; type `None` when it has none. */
function heldSchedule(found: GcHistory | undefined): Schedule {
  if (!found?.schedule?.type || found.schedule.type === "None") return { schedule: { type: "None" } };
  let parameters: Record<string, unknown> = {};
  try {
    parameters = JSON.parse(found.job_parameters || "{}") as Record<string, unknown>;
  } catch {
    // Unreadable parameters are restored as Harbor's defaults.
  }
  return {
    schedule: { type: found.schedule.type, ...(found.schedule.cron ? { cron: found.schedule.cron } : {}) },
    parameters,
  };
}

/** The schedule's fields as the inputs spell them, or undefined when Harbor has none. */
function asWritten(found: GcHistory | undefined): Omit<GcScheduleInputs, "connection" | "adopt"> | undefined {
  if (!found?.schedule?.type || found.schedule.type === "None") return undefined;
  let parameters: { delete_untagged?: boolean; workers?: number } = {};
  try {
    parameters = JSON.parse(found.job_parameters || "{}") as typeof parameters;
  } catch {
    // Harbor writes the parameters itself; unreadable ones read as the defaults.
  }
  return {
    schedule: found.schedule.cron ?? "",
    deleteUntagged: parameters.delete_untagged ?? false,
    workers: parameters.workers ?? 1,
  };
}

/**
 * The dynamic provider for Harbor's garbage collection schedule. Harbor keeps one, and it is not
 * Berth's: create refuses to replace a schedule Harbor already has (one that differs from this
 * resource's) unless `adopt` is true, and records the schedule it found, which delete puts back
 * (a Harbor that had none is left with none, type `None`). Everything updates in place.
 */
export const gcScheduleProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: GcScheduleInputs, news: GcScheduleInputs) {
    const inputs = { ...gcScheduleDefaults, ...news } as GcScheduleInputs;
    const failures = [
      ...connectionProblems(inputs.connection),
      ...cronProblem("schedule", inputs.schedule),
      ...booleanProblem("deleteUntagged", inputs.deleteUntagged),
      ...booleanProblem("adopt", inputs.adopt),
    ];
    const workers: unknown = inputs.workers;
    if (
      !isUnknown(workers) &&
      !(Number.isInteger(workers) && (workers as number) >= 1 && (workers as number) <= 5)
    )
      failures.push({ property: "workers", reason: "must be a whole number from 1 to 5" });
    return { inputs, failures };
  },

  async diff(_id: string, olds: GcScheduleOutputs, news: GcScheduleInputs) {
    const keys = ["connection", "schedule", "deleteUntagged", "workers"] as const;
    return { changes: changedKeys<GcScheduleInputs>(olds, news, keys).length > 0, replaces: [] };
  },

  async create(inputs: GcScheduleInputs) {
    const client = gcClient(inputs.connection);
    let priorSchedule: Schedule;
    try {
      const found = await client.getSchedule();
      const held = asWritten(found);
      priorSchedule = heldSchedule(found);
      const wanted = {
        schedule: inputs.schedule,
        deleteUntagged: inputs.deleteUntagged,
        workers: inputs.workers,
      };
      if (held && !inputs.adopt && !sameValue(held, wanted)) {
        throw new Error(
          `Harbor already runs garbage collection on a schedule set outside this resource ` +
            `(${priorSchedule.schedule?.type} ${JSON.stringify(held.schedule)}, deleteUntagged ${held.deleteUntagged}, ` +
            `workers ${held.workers}); Berth does not take it over. Set adopt: true to manage it ` +
            `(the schedule found is put back when the resource is deleted)`,
        );
      }
      // One schedule per Harbor: replace the one it has, or create it.
      if (held) await client.updateSchedule(scheduleOf(inputs));
      else await client.createSchedule(scheduleOf(inputs));
    } catch (err) {
      throw aboutObject(what, err);
    }
    return { id: gcScheduleId, outs: { ...inputs, priorSchedule } satisfies GcScheduleOutputs };
  },

  /**
   * Reads the schedule back; none (or type `None`) reports it gone. With empty props
   * (`pulumi import <type> <name> gc-schedule`), the connection comes from HARBOR_URL,
   * HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<GcScheduleOutputs>) {
    const connection = connectionOrEnvironment(props.connection, what);
    let held: Omit<GcScheduleInputs, "connection" | "adopt"> | undefined;
    try {
      held = asWritten(await gcClient(connection).getSchedule());
    } catch (err) {
      throw aboutObject(what, err);
    }
    if (!held) return {};
    const outs: GcScheduleOutputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      ...held,
      adopt: props.adopt ?? false,
    };
    return props.schedule === undefined ? { id, props: outs, inputs: outs } : { id, props: outs };
  },

  async update(_id: string, olds: GcScheduleOutputs, news: GcScheduleInputs) {
    try {
      await gcClient(news.connection).updateSchedule(scheduleOf(news));
    } catch (err) {
      throw aboutObject(what, err);
    }
    const outs: GcScheduleOutputs = { ...news };
    if (olds.priorSchedule) outs.priorSchedule = olds.priorSchedule;
    return { outs };
  },

  async delete(_id: string, props: GcScheduleOutputs) {
    const client = gcClient(connectionOrEnvironment(props.connection, what));
    const prior = props.priorSchedule;
    try {
      if (prior && prior.schedule?.type !== "None") await client.updateSchedule(prior);
      else if (asWritten(await client.getSchedule()))
        await client.updateSchedule({ schedule: { type: "None" } });
    } catch (err) {
      throw aboutObject(what, err);
    }
  },
};
