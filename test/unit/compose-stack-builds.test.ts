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

  it("without registry, runs a service's named image unbuilt and refuses a build with no image", () => {
    const plan = planBuilds(
      project({
        web: { build: { context: "/src/web" } },
        api: { image: "reg/api:1", build: { context: "/src/api" } },
      }),
      undefined,
    );
    assert.deepEqual(plan.builds, {});
    assert.deepEqual(plan.skipped, ["api"]);
    assert.deepEqual(
      plan.issues.map((i) => i.path),
      ["services.web.build"],
    );
    assert.match(plan.issues[0].message, /^service web builds its image: pass registry /);
    assert.deepEqual(plan.project.services.api, { image: "reg/api:1" });
  });

  it('"always" refuses every build without registry; "never" skips builds even with one', () => {
    const services = {
      web: { build: { context: "/src/web" } },
      api: { image: "reg/api:1", build: { context: "/src/api" } },
    };
    const always = planBuilds(project(services), undefined, "always");
    assert.deepEqual(
      always.issues.map((i) => i.path),
      ["services.web.build", "services.api.build"],
    );
    assert.match(always.issues[1].message, /or build: "auto" to run its image unbuilt$/);
    const never = planBuilds(project(services), { repository: "127.0.0.1:5000/shop" }, "never");
    assert.deepEqual(never.builds, {});
    assert.deepEqual(never.skipped, ["api"]);
    assert.deepEqual(
      never.issues.map((i) => [i.path, i.message]),
      [
        [
          "services.web.image",
          'is required when builds are skipped (build: "never"): the image the service runs',
        ],
      ],
    );
    const auto = planBuilds(project(services), { repository: "127.0.0.1:5000/shop" });
    assert.deepEqual(Object.keys(auto.builds), ["web", "api"], "with a registry, both are built");
    assert.deepEqual(auto.skipped, []);
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
