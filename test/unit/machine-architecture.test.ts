import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { awsInstanceArchitecture, gcpMachineArchitecture } from "../../components/machine-architecture";

describe("machine architectures", () => {
  it("tells Graviton instance families from x86-64 ones", () => {
    for (const type of [
      "t4g.small",
      "m6g.large",
      "m7gd.xlarge",
      "c7gn.2xlarge",
      "r8g.large",
      "x2gd.large",
      "im4gn.large",
      "is4gen.large",
      "hpc7g.4xlarge",
      "a1.medium",
      "g5g.xlarge",
    ])
      assert.equal(awsInstanceArchitecture(type), "arm64", type);
    for (const type of [
      "t3.small",
      "m7i.large",
      "m7a.large",
      "c6in.large",
      "g5.xlarge",
      "g4dn.xlarge",
      "x2idn.large",
      "r7iz.large",
      "p4d.24xlarge",
    ])
      assert.equal(awsInstanceArchitecture(type), "amd64", type);
    assert.equal(awsInstanceArchitecture("large"), undefined);
    assert.equal(awsInstanceArchitecture("mac2.metal"), undefined);
  });

  it("tells Arm machine series from x86-64 ones", () => {
    for (const type of ["t2a-standard-1", "c4a-highmem-8"])
      assert.equal(gcpMachineArchitecture(type), "arm64", type);
    for (const type of ["e2-small", "n2d-standard-4", "n2-custom-4-8192", "c3-standard-8"])
      assert.equal(gcpMachineArchitecture(type), "amd64", type);
    assert.equal(gcpMachineArchitecture("small"), undefined);
  });
});
