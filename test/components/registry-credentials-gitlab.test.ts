/**
 * `credentialsFor` with GitLab tokens under mocks: a deploy token and a project access token log in
 * with their registry user name and token at their connection's registry host, secret in state.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GitLabDeployToken, GitLabProjectAccessToken } from "../../components/registry/gitlab";
import { credentialsFor } from "../../components/registry/credentials";
import { type MockedResource, runProgram } from "../support/harness";
import { plainHolders } from "../support/state-queries";

const deployTokenType = "pulumi-nodejs:dynamic/berth/gitlab:GitLabDeployToken";
const accessTokenType = "pulumi-nodejs:dynamic/berth/gitlab:GitLabProjectAccessToken";
const deploySecret = "gldt-deploy-secret-4471";
const accessSecret = "glpat-access-secret-9903";
const connection = {
  url: "https://gitlab.example.com",
  token: "admin-pat",
  registryHost: "registry.example.com:5050",
};

/** A resource of a provider the test engine mocks, holding what it is given. */
class Holder extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("berthtest:index:Holder", name, props);
  }
}

/** The tokens as GitLab's create answers make them: user name, token, and the connection's registry host. */
function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  const registryHost = connection.registryHost;
  if (resource.type === deployTokenType)
    return {
      projectId: 7,
      tokenId: 11,
      token: deploySecret,
      registryUsername: "gitlab+deploy-token-11",
      registryHost,
    };
  if (resource.type === accessTokenType)
    return {
      projectId: 7,
      tokenId: 12,
      token: accessSecret,
      registryUsername: "project_7_bot_ab12",
      registryHost,
    };
  return undefined;
}

describe("credentialsFor with GitLab tokens", () => {
  it("logs in with a deploy token's and a project access token's user name and token, kept secret", async () => {
    const run = await runProgram(
      () => {
        const deploy = new GitLabDeployToken("pull", {
          connection,
          project: "group/app",
          scopes: ["read_registry"],
        });
        const access = new GitLabProjectAccessToken("bot", {
          connection,
          project: "group/app",
          scopes: ["read_registry"],
        });
        const fromDeploy = credentialsFor(deploy);
        const fromAccess = credentialsFor(access);
        new Holder("deploy-holder", { auth: fromDeploy });
        new Holder("access-holder", { auth: fromAccess });
        return { fromDeploy, fromAccess };
      },
      { mockDynamic },
    );
    assert.deepEqual(run.outputs.fromDeploy, {
      server: "registry.example.com:5050",
      username: "gitlab+deploy-token-11",
      password: deploySecret,
    });
    assert.deepEqual(run.outputs.fromAccess, {
      server: "registry.example.com:5050",
      username: "project_7_bot_ab12",
      password: accessSecret,
    });
    assert.deepEqual(run.byName("deploy-holder").secretInputs, ["auth"]);
    assert.deepEqual(run.byName("access-holder").secretInputs, ["auth"]);
    assert.deepEqual(plainHolders(run, deploySecret), [], "the deploy token is in no plain input");
    assert.deepEqual(plainHolders(run, accessSecret), [], "the access token is in no plain input");
  });
});
