import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type RequestHead, RequestHeadParser } from "../support/request-heads";

function parse(stream: string, pieceSize: number): RequestHead[] {
  const heads: RequestHead[] = [];
  const parser = new RequestHeadParser((head) => heads.push(head));
  const bytes = Buffer.from(stream, "latin1");
  for (let i = 0; i < bytes.length; i += pieceSize) parser.push(bytes.subarray(i, i + pieceSize));
  return heads;
}

describe("the recording proxy's request parser", () => {
  const fakeLine = "GET /not-a-request HTTP/1.1\r\n\r\n";
  const stream = [
    `POST /services/create HTTP/1.1\r\nX-Registry-Auth: e30=\r\nContent-Length: ${fakeLine.length}\r\n\r\n${fakeLine}`,
    "POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    `${fakeLine.length.toString(16)}\r\n${fakeLine}\r\n0\r\n\r\n`,
    "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n",
    "POST /exec/1/start HTTP/1.1\r\nUpgrade: tcp\r\n\r\n",
    fakeLine,
  ].join("");

  it("sees each request of a kept-alive connection once, skipping bodies, whatever the chunking", () => {
    for (const pieceSize of [1, 7, stream.length]) {
      assert.deepEqual(parse(stream, pieceSize), [
        { line: "POST /services/create", headerNames: ["x-registry-auth", "content-length"] },
        { line: "POST /build", headerNames: ["transfer-encoding"] },
        { line: "GET /_ping", headerNames: ["host"] },
        { line: "POST /exec/1/start", headerNames: ["upgrade"] },
      ]);
    }
  });
});
