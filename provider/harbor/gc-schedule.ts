import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../unknowns";
import type { HarborConnection } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
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
}

export type GcScheduleOutputs = GcScheduleInputs;

export const gcScheduleDefaults = { deleteUntagged: false, workers: 1 } as const;

/** The resource's ID: Harbor has one garbage collection schedule. */
export const gcScheduleId = "gc-schedule";

const what = "harbor garbage collection schedule";

function scheduleOf(inputs: GcScheduleInputs): Schedule {
  return {
    schedule: { type: "Custom", cron: inputs.schedule },
    parameters: { delete_untagged: inputs.deleteUntagged, workers: inputs.workers },
  };
}

/** The schedule's fields as the inputs spell them, or undefined when Harbor has none. */
function asWritten(found: GcHistory | undefined): Omit<GcScheduleInputs, "connection"> | undefined {
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
 * The dynamic provider for Harbor's garbage collection schedule. Harbor keeps one, so create adopts
 * a schedule Harbor already has and replaces it with this one; delete cancels it (type `None`).
 * Everything updates in place.
 */
export const gcScheduleProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: GcScheduleInputs, news: GcScheduleInputs) {
    const inputs = { ...gcScheduleDefaults, ...news } as GcScheduleInputs;
    const failures = [
      ...connectionProblems(inputs.connection),
      ...cronProblem("schedule", inputs.schedule),
      ...booleanProblem("deleteUntagged", inputs.deleteUntagged),
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
    try {
      // One schedule per Harbor: take over the one it has, replacing it.
      if (asWritten(await client.getSchedule())) await client.updateSchedule(scheduleOf(inputs));
      else await client.createSchedule(scheduleOf(inputs));
    } catch (err) {
      throw aboutObject(what, err);
    }
    return { id: gcScheduleId, outs: inputs };
  },

  /**
   * Reads the schedule back; none (or type `None`) reports it gone. With empty props
   * (`pulumi import <type> <name> gc-schedule`), the connection comes from HARBOR_URL,
   * HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<GcScheduleOutputs>) {
    const connection = connectionOrEnvironment(props.connection, what);
    let held: Omit<GcScheduleInputs, "connection"> | undefined;
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
    };
    return props.schedule === undefined ? { id, props: outs, inputs: outs } : { id, props: outs };
  },

  async update(_id: string, _olds: GcScheduleOutputs, news: GcScheduleInputs) {
    try {
      await gcClient(news.connection).updateSchedule(scheduleOf(news));
    } catch (err) {
      throw aboutObject(what, err);
    }
    return { outs: news };
  },

  async delete(_id: string, props: GcScheduleOutputs) {
    const client = gcClient(connectionOrEnvironment(props.connection, what));
    try {
      if (asWritten(await client.getSchedule())) await client.updateSchedule({ schedule: { type: "None" } });
    } catch (err) {
      throw aboutObject(what, err);
    }
  },
};
