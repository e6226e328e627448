import { wireFields, type WireField } from "./protobuf-wire";

/** What a BuildKit status message (`moby.buildkit.trace`) reports, reduced to what a person reads. */
export interface BuildStatus {
  /** Steps that started, by name (`[2/3] RUN make`). */
  started: string[];
  /** Steps BuildKit answered from its cache (local, or imported through `cacheFrom`), by name. */
  cached: string[];
  /** Steps that failed, with BuildKit's error. */
  failed: { name: string; error: string }[];
  /** Lines the steps printed, with the digest of the step that printed each. */
  logs: { vertex: string; line: string }[];
}

const bytesOf = (fields: WireField[], field: number) =>
  fields.filter((f) => f.field === field && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);

/** Decodes a `moby.buildkit.v1.StatusResponse` (vertexes = 1, logs = 3). */
export function decodeStatus(message: Buffer): BuildStatus {
  const status: BuildStatus = { started: [], cached: [], failed: [], logs: [] };
  const top = wireFields(message);
  for (const vertex of bytesOf(top, 1).map(wireFields)) {
    const name = bytesOf(vertex, 3)[0]?.toString("utf8") ?? "";
    const error = bytesOf(vertex, 7)[0]?.toString("utf8");
    const started = bytesOf(vertex, 5).length > 0;
    const completed = bytesOf(vertex, 6).length > 0;
    const cached = vertex.some((f) => f.field === 4 && f.value === 1);
    if (error) status.failed.push({ name, error });
    else if (cached && completed && name) status.cached.push(name);
    else if (started && !completed && name) status.started.push(name);
  }
  for (const log of bytesOf(top, 3).map(wireFields)) {
    const vertex = bytesOf(log, 1)[0]?.toString("utf8") ?? "";
    const text = bytesOf(log, 4)[0]?.toString("utf8") ?? "";
    for (const line of text.split(/\r?\n/)) if (line.trim()) status.logs.push({ vertex, line });
  }
  return status;
}

/**
 * Follows the JSON lines of a build (`POST /build`, BuildKit or classic) or a push. Calls `progress`
 * with each step that starts and each status line, keeps the last lines printed, and resolves with
 * the stream's `aux` objects, or rejects with the error the engine reported and the lines printed
 * just before it (a failing `RUN` prints why it failed).
 */
export function followJsonLines(
  stream: NodeJS.ReadableStream,
  progress: (line: string) => void,
  keepLines = 8,
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const aux: Record<string, unknown>[] = [];
    const printed: string[] = [];
    let pending = "";
    let failure: string | undefined;
    const remember = (line: string) => {
      printed.push(line);
      if (printed.length > keepLines) printed.shift();
    };
    const handle = (text: string) => {
      if (!text.trim()) return;
      let event: { id?: string; aux?: unknown; stream?: string; status?: string; error?: string };
      try {
        event = JSON.parse(text) as typeof event;
      } catch {
        return;
      }
      if (event.error) failure ??= event.error;
      else if (event.id === "moby.buildkit.trace" && typeof event.aux === "string") {
        const status = decodeStatus(Buffer.from(event.aux, "base64"));
        status.started.forEach((name) => progress(name));
        status.cached.forEach((name) => progress(`CACHED ${name}`));
        status.logs.forEach((log) => remember(log.line));
        status.failed.forEach((f) => remember(`${f.name}: ${f.error}`));
      } else if (event.aux && typeof event.aux === "object") aux.push(event.aux as Record<string, unknown>);
      else if (event.stream?.trim()) {
        const line = event.stream.trim();
        remember(line);
        if (line.startsWith("Step ")) progress(line);
      } else if (event.status && !("progressDetail" in event && event.status.includes("ing"))) {
        progress(`${(event as { id?: string }).id ? `${event.id}: ` : ""}${event.status}`);
      }
    };
    stream.on("data", (chunk: Buffer | string) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(handle);
    });
    stream.on("error", (err: Error) => reject(err));
    stream.on("end", () => {
      handle(pending);
      if (failure === undefined) return resolve(aux);
      const context = printed.filter((line) => !line.includes(failure as string) || line === failure);
      reject(new Error([failure, ...context.map((line) => `  ${line}`)].join("\n")));
    });
  });
}
