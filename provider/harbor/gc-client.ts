import type { HarborConnection } from "./client";
import { harborHttp } from "./http";

/** `definitions.ScheduleObj` */
export interface ScheduleObj {
  /** Hourly, Daily, Weekly, Custom, Manual, None or Schedule. */
  type?: string;
  cron?: string;
  next_scheduled_time?: string;
}

/** `definitions.Schedule`: what a schedule update sends. */
export interface Schedule {
  schedule?: ScheduleObj;
  parameters?: Record<string, unknown>;
}

/** `definitions.GCHistory`: how Harbor answers with the garbage collection schedule. */
export interface GcHistory {
  id?: number;
  job_name?: string;
  job_kind?: string;
  /** The job's parameters as a JSON string, e.g. `{"delete_untagged":true,"workers":2}`. */
  job_parameters?: string;
  schedule?: ScheduleObj;
  job_status?: string;
  deleted?: boolean;
  creation_time?: string;
  update_time?: string;
}

/** A client of Harbor's garbage collection schedule (`/system/gc/schedule`), one per Harbor. */
export function gcClient(connection: HarborConnection) {
  const http = harborHttp(connection);
  const path = "/system/gc/schedule";
  return {
    /** `getGCSchedule`: undefined when Harbor has none (it answers 200 with no body). */
    getSchedule(): Promise<GcHistory | undefined> {
      return http.optionalJson("GET", path);
    },

    /** `createGCSchedule`; Harbor refuses it (409) while a schedule exists. */
    async createSchedule(schedule: Schedule): Promise<void> {
      await http.send("POST", path, { body: schedule });
    },

    /** `updateGCSchedule`; type `None` cancels the schedule. */
    async updateSchedule(schedule: Schedule): Promise<void> {
      await http.send("PUT", path, { body: schedule });
    },
  };
}
