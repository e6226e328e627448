/**
 * Where Harbor's password and GitLab's token may go, through the test engine and Pulumi's own
 * dynamic-provider host: never along a redirect (real HTTPS servers on 127.0.0.1 and 127.0.0.2, with
 * a throwaway CA), never over plain HTTP unless the connection allows it by name, never in a URL
 * (`user:password@`), and never into plain state after a read by ID or a refresh. The Harbor and
 * GitLab APIs themselves are the contract-checked fakes (plain HTTP on loopback).
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import https from "https";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import type { AddressInfo } from "net";
import { HarborProject } from "../../components/registry/harbor";
import { HarborRegistry } from "../../components/registry/harbor/registry";
import { GitLabRegistry } from "../../components/registry/gitlab";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { type GitLabFake, startGitLabFake } from "../support/gitlab-fake";
import { loadSerializedProvider, type ProgramRun, runProgram } from "../support/harness";
import { readById } from "../support/engine/read-by-id";
import { refreshState } from "../support/engine/deployment";
import type { StateEntry } from "../support/engine/state";
import { pathsHolding } from "../support/state-queries";
import { tlsMaterial } from "../support/tls-certs";

const projectDir = path.resolve(__dirname, "..", "..", "..");
const projectType = "pulumi-nodejs:dynamic/berth/harbor:HarborProject";
const registryType = "pulumi-nodejs:dynamic/berth/gitlab:GitLabRegistry";

interface Seen {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An HTTPS server on `host` that records every request and answers with `answer`. */
async function httpsServer(
  host: string,
  tls: { cert: string; key: string },
  answer: (req: { url?: string }, res: import("http").ServerResponse) => void,
) {
  const seen: Seen[] = [];
  const server = https.createServer(tls, (req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on("end", () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `https://${host}:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, seen, close };
}

/** Paths (`<name>: outputs.x`) where a state entry holds `needle` outside its secret outputs and inputs. */
function plainInState(entries: StateEntry[], needle: string): string[] {
  return entries.flatMap((e) => {
    const outs = pathsHolding(e.outputs, needle).filter((p) => !e.secretOutputs.includes(p.split(/[.[]/)[0]));
    const ins = pathsHolding(e.inputs, needle).filter(
      (p) => !e.secretInputs.some((s) => p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`)),
    );
    return [...outs.map((p) => `${e.name}: outputs.${p}`), ...ins.map((p) => `${e.name}: inputs.${p}`)];
  });
}

const entryOf = (run: ProgramRun, name: string, type: string) =>
  run.state.find((e) => e.name === name && e.type === type)!;

describe("credentials stay home: redirects, plain HTTP and URLs, through Pulumi's dynamic-provider host", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "berth-creds-"));
  let first: Awaited<ReturnType<typeof httpsServer>>;
  let second: Awaited<ReturnType<typeof httpsServer>>;
  let harbor: HarborFake;
  let gitlab: GitLabFake;
  const token = "glpat-never-leaves-home";
  const password = "harbor-admin-never-leaves";

  before(async () => {
    const material = tlsMaterial(dir, ["127.0.0.1", "127.0.0.2"]);
    const tls = {
      cert: readFileSync(material.certFile, "utf8"),
      key: readFileSync(material.keyFile, "utf8"),
    };
    // The provider host is a process of its own: it trusts the throwaway CA as users' would theirs.
    process.env.NODE_EXTRA_CA_CERTS = material.caFile;
    // Were a redirect followed, the request would end here, with an answer both clients take as a failure.
    second = await httpsServer("127.0.0.2", tls, (_req, res) => {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"404 Not found"}');
    });
    first = await httpsServer("127.0.0.1", tls, (req, res) => {
      res.writeHead(302, { location: `${second.url}${req.url}` }).end();
    });
    harbor = await startHarborFake();
    gitlab = await startGitLabFake();
    gitlab.addProject("group/app");
  });
  after(async () => {
    delete process.env.NODE_EXTRA_CA_CERTS;
    await Promise.all([first.close(), second.close(), harbor.close(), gitlab.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    first.seen.splice(0);
    second.seen.splice(0);
    assert.deepEqual(harbor.violations.splice(0), [], "requests keep Harbor's contract");
    assert.deepEqual(gitlab.violations.splice(0), [], "requests keep GitLab's contract");
  });

  it("GitLab: a 302 from 127.0.0.1 to 127.0.0.2 is not followed; the token never reaches the second server", async () => {
    const err = await runProgram(
      () => new GitLabRegistry("registry", { connection: { url: first.url, token }, project: "group/app" }),
      { project: "creds", stack: "gitlab-redirect" },
    ).then(
      () => assert.fail("the deployment should fail"),
      (e: Error) => e,
    );
    assert.ok(first.seen.length > 0, "the first server was asked");
    assert.equal(first.seen[0].headers["private-token"], token, "the token went to the URL it was given for");
    assert.deepEqual(second.seen, [], "nothing reached the redirect's target");
    assert.match(err.message, /registry/);
    assert.match(err.message, /redirect \(302\) to https:\/\/127\.0\.0\.2:\d+\/api\/v4\/projects/);
    assert.ok(!err.message.includes(token), "the error does not show the token");
  });

  it("Harbor: a 302 from 127.0.0.1 to 127.0.0.2 is not followed; the password never reaches the second server", async () => {
    const err = await runProgram(
      () =>
        new HarborProject("apps", {
          connection: { url: first.url, username: "admin", password },
          name: "apps",
        }),
      { project: "creds", stack: "harbor-redirect" },
    ).then(
      () => assert.fail("the deployment should fail"),
      (e: Error) => e,
    );
    assert.ok(first.seen.length > 0, "the first server was asked");
    assert.match(String(first.seen[0].headers.authorization), /^Basic /);
    assert.deepEqual(second.seen, [], "nothing reached the redirect's target");
    assert.match(err.message, /harbor project apps/);
    assert.match(err.message, /redirect \(302\) to https:\/\/127\.0\.0\.2:\d+\/api\/v2\.0\/projects/);
    assert.ok(!err.message.includes(password), "the error does not show the password");
  });

  it("GitLab: plain http:// is refused at preview, naming the resource and field, unless allowInsecureHttp", async () => {
    const plain = { url: gitlab.url, token };
    const before = gitlab.requests.length;
    await assert.rejects(
      runProgram(() => new GitLabRegistry("registry", { connection: plain, project: "group/app" }), {
        project: "creds",
        stack: "gitlab-http",
        preview: true,
      }),
      (e: Error) =>
        /GitLabRegistry registry: check failed/.test(e.message) &&
        /connection\.url: is plain http:\/\/.*connection\.allowInsecureHttp: true/.test(e.message),
    );
    assert.equal(gitlab.requests.length, before, "nothing reached GitLab");
    const allowed = await runProgram(
      () =>
        new GitLabRegistry("registry", {
          connection: { ...plain, token: gitlab.token, allowInsecureHttp: true },
          project: "group/app",
        }),
      { project: "creds", stack: "gitlab-http" },
    );
    assert.ok(gitlab.requests.length > before, "with the opt-in, GitLab is reached over plain HTTP");
    assert.equal(allowed.byName("registry", registryType).outputs.projectPath, "group/app");
    await allowed.destroy();
  });

  it("Harbor: plain http:// is refused at preview, naming the resource and field, unless allowInsecureHttp", async () => {
    const plain = { url: harbor.url, username: harbor.username, password: harbor.password };
    const before = harbor.requests.length;
    await assert.rejects(
      runProgram(() => new HarborProject("apps", { connection: plain, name: "plain" }), {
        project: "creds",
        stack: "harbor-http",
        preview: true,
      }),
      (e: Error) =>
        /HarborProject apps: check failed/.test(e.message) &&
        /connection\.url: is plain http:\/\/.*connection\.allowInsecureHttp: true/.test(e.message),
    );
    assert.equal(harbor.requests.length, before, "nothing reached Harbor");
    const allowed = await runProgram(
      () => new HarborProject("apps", { connection: { ...plain, allowInsecureHttp: true }, name: "plain" }),
      { project: "creds", stack: "harbor-http" },
    );
    assert.ok(harbor.requests.length > before, "with the opt-in, Harbor is reached over plain HTTP");
    assert.ok(Number(allowed.byName("apps", projectType).outputs.projectId) > 0);
    await allowed.destroy();
  });

  it("refuses a URL carrying user:password@ at preview (Harbor, GitLab, Harbor's health wait), without repeating it", async () => {
    const url = first.url.replace("https://", "https://admin:in-the-url@");
    const programs: [string, RegExp, () => unknown][] = [
      [
        "harbor",
        /HarborProject apps: check failed:\s+connection\.url: must not carry a user name or password/,
        () => new HarborProject("apps", { connection: { url, username: "admin", password }, name: "apps" }),
      ],
      [
        "gitlab",
        /GitLabRegistry registry: check failed:\s+connection\.url: must not carry a user name or password/,
        () => new GitLabRegistry("registry", { connection: { url, token }, project: "group/app" }),
      ],
      [
        "health",
        /HarborHealth harbor-health: check failed:\s+url: must not carry a user name or password/,
        () => new HarborRegistry("harbor", { existing: { url, password } }),
      ],
    ];
    for (const [stack, refusal, program] of programs) {
      const err = await runProgram(program, { project: "creds", stack, preview: true }).then(
        () => assert.fail(`${stack}: the preview should fail`),
        (e: Error) => e,
      );
      assert.match(err.message, refusal);
      assert.ok(!err.message.includes("in-the-url"), `${stack}: the password in the URL is not repeated`);
    }
    assert.deepEqual(first.seen, [], "nothing was sent");
  });

  it("an import with a plain http:// URL from the environment is refused before anything is sent", async () => {
    const up = await runProgram(
      () => new GitLabRegistry("registry", { connection: gitlab.connection, project: "group/app" }),
      { project: "creds", stack: "gitlab-import-http" },
    );
    const provider = loadSerializedProvider(up.byName("registry", registryType).providerText!);
    const before = gitlab.requests.length;
    Object.assign(process.env, { GITLAB_URL: gitlab.url, GITLAB_TOKEN: gitlab.token });
    try {
      await assert.rejects(provider.read!(up.byName("registry", registryType).id!, {}), (e: Error) =>
        /connection\.url is plain http:\/\//.test(e.message),
      );
    } finally {
      delete process.env.GITLAB_URL;
      delete process.env.GITLAB_TOKEN;
    }
    assert.equal(gitlab.requests.length, before, "nothing reached GitLab");
    await up.destroy();
  });

  it("a read by ID and a refresh leave no Harbor password or GitLab token in plain state", async () => {
    const up = await runProgram(
      () => {
        new HarborProject("apps", { connection: harbor.connection, name: "read-by-id" });
        new GitLabRegistry("registry", { connection: gitlab.connection, project: "group/app" });
      },
      { project: "creds", stack: "read-by-id" },
    );
    const secrets = [harbor.password, gitlab.token];
    const refreshed = await up.refresh();
    for (const secret of secrets) {
      assert.deepEqual(plainInState(refreshed.state, secret), [], "a refresh keeps the connection secret");
    }
    const read = async (
      name: string,
      type: string,
      inEnvironment: <T>(work: () => Promise<T>) => Promise<T>,
    ) => {
      const created = entryOf(up, name, type);
      const resource = { ...created, id: created.id!, providerText: String(created.outputs.__provider) };
      return inEnvironment(async () => {
        const imported = (await readById(projectDir, resource))!;
        const again = (await refreshState(projectDir, [imported]))[0];
        return { imported, again };
      });
    };
    const project = await read("apps", projectType, (w) => harbor.inEnvironment(w));
    const registry = await read("registry", registryType, (w) => gitlab.inEnvironment(w));
    for (const { imported, again } of [project, registry]) {
      for (const secret of secrets) {
        assert.deepEqual(plainInState([imported], secret), [], `read by ID: ${imported.name}`);
        assert.deepEqual(plainInState([again], secret), [], `refresh after it: ${again.name}`);
      }
    }
    // What is kept is enough to reach the service again, with the credential from the environment.
    assert.equal((project.again.outputs.connection as { url: string }).url, harbor.url);
    assert.equal(project.again.outputs.name, "read-by-id");
    assert.equal((registry.again.outputs.connection as { url: string }).url, gitlab.url);
    assert.equal(registry.again.outputs.projectPath, "group/app");
    await up.destroy();
  });
});
