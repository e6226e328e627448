import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planBuilds } from "../../components/compose/stack-builds";
import type { ComposeProject, ComposeService } from "../../components/compose/types";

const project = (services: Record<string, ComposeService>): ComposeProject =>
  ({ name: "shop", services }) as ComposeProject;

describe("planBuilds", () => {
  it("pushes to the service's image when it names one, else to <registry.repository>/<service>", () => {
    const plan = planBuilds(
      project({
        web: { build: { context: "/src/web", dockerfile: "Dockerfile" } },
        api: {
          image: "127.0.0.1:5000/team/api:v2",
          build: {
            context: "/src/api",
            dockerfile: "Dockerfile.prod",
            args: ["VERSION=1.2", "EXTRA=a=b"],
            target: "runtime",
          },
        },
        db: { image: "postgres:16" },
      }),
      { repository: "127.0.0.1:5000/shop/" },
    );
    assert.deepEqual(plan.issues, []);
    assert.deepEqual(plan.builds, {
      web: { context: "/src/web", dockerfile: "Dockerfile", repository: "127.0.0.1:5000/shop/web" },
      api: {
        context: "/src/api",
        dockerfile: "Dockerfile.prod",
        args: { VERSION: "1.2", EXTRA: "a=b" },
        target: "runtime",
        repository: "127.0.0.1:5000/team/api",
        tag: "v2",
      },
    });
    assert.deepEqual(plan.project.services, {
      web: { image: "127.0.0.1:5000/shop/web:latest" },
      api: { image: "127.0.0.1:5000/team/api:v2" },
      db: { image: "postgres:16" },
    });
  });

  it("takes a registry port for a port, not a tag, and args as a mapping", () => {
    const plan = planBuilds(
      project({ app: { image: "127.0.0.1:5000/app", build: { context: "/src", args: { N: 3 } } } }),
      {},
    );
    assert.deepEqual(plan.builds.app, {
      context: "/src",
      args: { N: "3" },
      repository: "127.0.0.1:5000/app",
    });
  });

  it("refuses every build without registry, naming the service and saying to pass registry", () => {
    const plan = planBuilds(
      project({
        web: { build: { context: "/src/web" } },
        api: { image: "reg/api:1", build: { context: "/src/api" } },
      }),
      undefined,
    );
    assert.deepEqual(plan.builds, {});
    assert.deepEqual(
      plan.issues.map((i) => i.path),
      ["services.web.build", "services.api.build"],
    );
    assert.match(plan.issues[0].message, /^service web builds its image: pass registry /);
    assert.deepEqual(plan.project.services.api, { image: "reg/api:1" }, "reported once, not again as build");
  });

  it("refuses other build keys, a remote context, a digest, args without value and a missing target repository", () => {
    const plan = planBuilds(
      project({
        web: {
          build: {
            context: "/src/web",
            cache_from: ["x"],
            ssh: ["default"],
            no_cache: false,
            "x-note": 1,
            args: ["FROM_ENV"],
          },
        },
        git: { image: "reg/git", build: { context: "https://github.com/a/b.git#main" } },
        pinned: { image: "reg/p@sha256:abc", build: { context: "/src/p" } },
      }),
      {},
    );
    assert.deepEqual(plan.builds, {});
    assert.deepEqual(
      plan.issues.map((i) => `${i.path}: ${i.message}`),
      [
        "services.web.build.cache_from: is not supported: a stack builds with context, dockerfile, args, target only",
        "services.web.build.ssh: is not supported: a stack builds with context, dockerfile, args, target only",
        "services.web.build.args.FROM_ENV: has no value; give it one (KEY=value)",
        "services.web.image: is required with build unless registry.repository is given: the repository to push to",
        "services.git.build.context: a remote context is not supported; clone it and name the directory",
        "services.pinned.image: names a digest; with build it must name the repository (and tag) to push to",
      ],
    );
  });
});
