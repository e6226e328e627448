import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { contextEntries, contextHash, contextTar } from "../../provider/docker/build-context";
import { decodeStatus, followJsonLines } from "../../provider/docker/build-stream";
import { lengthDelimited } from "../../provider/docker/protobuf-wire";

const madeDirs: string[] = [];
after(() => madeDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A context directory holding `files` (path -> content). */
function contextWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-context-"));
  madeDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const pathsOf = (dir: string, dockerfile?: string) => contextEntries(dir, dockerfile).map((e) => e.path);
const hashOf = (dir: string) => contextHash(dir, contextEntries(dir));

describe("build context: .dockerignore", () => {
  it("leaves out what .dockerignore excludes, with ** and ! exceptions as Docker reads them", () => {
    const dir = contextWith({
      Dockerfile: "FROM scratch",
      ".dockerignore": "node_modules\n**/*.log\nsecrets/*\n!secrets/public.pem\n",
      "src/app.js": "1",
      "src/deep/debug.log": "x",
      "node_modules/lib/index.js": "x",
      "secrets/private.pem": "x",
      "secrets/public.pem": "y",
      "top.log": "x",
    });
    assert.deepEqual(pathsOf(dir), [
      ".dockerignore",
      "Dockerfile",
      "secrets",
      "secrets/public.pem",
      "src",
      "src/app.js",
      "src/deep",
    ]);
  });

  it("always sends the Dockerfile and .dockerignore, even when excluded", () => {
    const dir = contextWith({
      "build/app.Dockerfile": "FROM scratch",
      ".dockerignore": "*\n",
      "other.txt": "x",
    });
    assert.deepEqual(pathsOf(dir, "build/app.Dockerfile"), [
      ".dockerignore",
      "build",
      "build/app.Dockerfile",
    ]);
  });

  it("packs exactly the sent entries into the tar", async () => {
    const dir = contextWith({
      Dockerfile: "FROM scratch",
      ".dockerignore": "skip.txt",
      "keep.txt": "k",
      "skip.txt": "s",
    });
    const file = path.join(os.tmpdir(), `berth-context-${process.pid}.tar`);
    const stream = contextTar(dir, contextEntries(dir));
    await new Promise<void>((resolve, reject) =>
      stream.pipe(fs.createWriteStream(file)).on("finish", resolve).on("error", reject),
    );
    // "." is the context's root directory itself.
    const listed = execFileSync("tar", ["-tf", file], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter((name) => name !== ".")
      .sort();
    fs.rmSync(file);
    assert.deepEqual(listed, [".dockerignore", "Dockerfile", "keep.txt"]);
  });
});

describe("build context: hash", () => {
  it("changes with a sent file's content, name or mode, and not with an excluded file or a timestamp", () => {
    const dir = contextWith({
      Dockerfile: "FROM scratch",
      ".dockerignore": "notes.md",
      "app.txt": "v1",
      "notes.md": "a",
    });
    const first = hashOf(dir);
    assert.match(first, /^sha256:[0-9a-f]{64}$/);

    fs.writeFileSync(path.join(dir, "notes.md"), "b");
    fs.utimesSync(path.join(dir, "app.txt"), new Date(0), new Date(0));
    assert.equal(hashOf(dir), first, "excluded files and timestamps do not count");

    fs.writeFileSync(path.join(dir, "app.txt"), "v2");
    const changed = hashOf(dir);
    assert.notEqual(changed, first);
    fs.writeFileSync(path.join(dir, "app.txt"), "v1");
    assert.equal(hashOf(dir), first, "the same content hashes the same again");

    fs.chmodSync(path.join(dir, "app.txt"), 0o755);
    assert.notEqual(hashOf(dir), first, "permission bits are part of the image");
    fs.chmodSync(path.join(dir, "app.txt"), 0o644);

    fs.renameSync(path.join(dir, "app.txt"), path.join(dir, "app2.txt"));
    assert.notEqual(hashOf(dir), first);
  });

  it("changes with the Dockerfile", () => {
    const dir = contextWith({ Dockerfile: "FROM scratch\n" });
    const first = hashOf(dir);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nLABEL a=b\n");
    assert.notEqual(hashOf(dir), first);
  });
});

describe("build stream", () => {
  /** A BuildKit status message: one vertex (name, started, optional error) and one log. */
  function trace(name: string, log: string, error?: string): string {
    const timestamp = lengthDelimited([]);
    const vertex = lengthDelimited([
      [1, "sha256:v1"],
      [3, name],
      [5, timestamp],
      ...(error ? ([[7, error]] as [number, string][]) : []),
    ]);
    const logs = lengthDelimited([
      [1, "sha256:v1"],
      [4, log],
    ]);
    const status = lengthDelimited([
      [1, vertex],
      [3, logs],
    ]);
    return JSON.stringify({ id: "moby.buildkit.trace", aux: status.toString("base64") });
  }

  it("decodes BuildKit's status: started steps, their output and their errors", () => {
    const line = JSON.parse(trace("[2/2] RUN make", "cc: error\n", "exit code: 2")) as { aux: string };
    const status = decodeStatus(Buffer.from(line.aux, "base64"));
    assert.deepEqual(status.failed, [{ name: "[2/2] RUN make", error: "exit code: 2" }]);
    assert.deepEqual(status.logs, [{ vertex: "sha256:v1", line: "cc: error" }]);
  });

  it("reports each started step and rejects with the engine's error and the step's last output", async () => {
    const { PassThrough } = await import("stream");
    const stream = new PassThrough();
    const progress: string[] = [];
    const followed = followJsonLines(stream, (line) => progress.push(line));
    stream.write(`${trace("[1/2] FROM base", "")}\n`);
    stream.write(`${trace("[2/2] RUN make", "make: *** no rule to make target\n")}\n`);
    stream.end(`${JSON.stringify({ error: "executor failed running [make]: exit code: 2" })}\n`);
    await assert.rejects(followed, (err: Error) => {
      assert.equal(err.message.split("\n")[0], "executor failed running [make]: exit code: 2");
      assert.match(err.message, /no rule to make target/);
      return true;
    });
    assert.deepEqual(progress, ["[1/2] FROM base", "[2/2] RUN make"]);
  });

  it("resolves with the aux objects of a push, such as its digest", async () => {
    const { PassThrough } = await import("stream");
    const stream = new PassThrough();
    const followed = followJsonLines(stream, () => undefined);
    stream.end(
      [
        { status: "The push refers to repository [r/app]" },
        { progressDetail: {}, aux: { Tag: "v1", Digest: "sha256:abc", Size: 527 } },
      ]
        .map((e) => JSON.stringify(e))
        .join("\n"),
    );
    assert.deepEqual(await followed, [{ Tag: "v1", Digest: "sha256:abc", Size: 527 }]);
  });
});
