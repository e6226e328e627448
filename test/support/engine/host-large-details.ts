/**
 * Loaded into Pulumi's dynamic-provider host (`node --require`) by the test engine. The host sends a
 * failed step's state in the `grpc-status-details-bin` trailer; with a provider inlined from a source
 * tree that one header field is over 64 KiB. The engine's gRPC client (Go) accepts header fields of up
 * to 16 MiB, but Node's HTTP/2 (nghttp2) never accepts one over 64 KiB, so the test engine, being Node,
 * would wait forever. Here such a field's bytes go to a file, and the trailer names the file instead;
 * the test engine reads the same bytes back. Nothing else about the call changes.
 */
import fs from "fs";
import os from "os";
import path from "path";

const detailsKey = "grpc-status-details-bin";
/** The trailer that names the file holding the details; read by provider-host.ts. */
export const detailsFileKey = "x-test-engine-details-file";
/** Larger header fields than this cannot reach a Node HTTP/2 peer. */
const nodeHeaderFieldLimit = 60 * 1024;

function install(): void {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] })) as {
    Metadata: { prototype: { add(key: string, value: string | Buffer): void } };
  };
  const add = grpc.Metadata.prototype.add;
  grpc.Metadata.prototype.add = function (key: string, value: string | Buffer) {
    if (key === detailsKey && Buffer.isBuffer(value) && value.length > nodeHeaderFieldLimit) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "berth-host-details-")), "details.bin");
      fs.writeFileSync(file, value);
      return add.call(this, detailsFileKey, file);
    }
    return add.call(this, key, value);
  };
}

if (process.env.BERTH_TEST_ENGINE_HOST === "1") install();
