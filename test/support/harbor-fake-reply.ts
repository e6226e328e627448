/** What every part of the Harbor fake answers with: requests as handlers see them, replies, errors. */
import type { HarborFakeState } from "./harbor-fake-handlers";

export interface FakeRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** `X-Is-Resource-Name: true`: a `project_name_or_id` is a name even when it looks like a number. */
  byName: boolean;
  nameInLocation: boolean;
  basePath: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (state: HarborFakeState, req: FakeRequest) => FakeReply;

/** A Harbor error answer: `{ errors: [{ code, message }] }`. */
export function errorReply(status: number, code: string, message: string): FakeReply {
  return { status, body: { errors: [{ code, message }] } };
}

export const notFound = (what: string) => errorReply(404, "NOT_FOUND", `${what} not found`);

/** Now, to the second, as Harbor's project and robot times show it. */
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** Now, to the millisecond, as Harbor's registry and policy times show it. */
export const nowPrecise = () => new Date().toISOString();

/** Harbor's six-field cron (seconds first). */
export const isSixFieldCron = (cron: unknown) =>
  typeof cron === "string" && cron.trim().split(/\s+/).length === 6;
