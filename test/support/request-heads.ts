/** A request's method and URL, and its header names (lower case), never the header values. */
export interface RequestHead {
  /** "METHOD URL", as in the request line without the protocol version. */
  line: string;
  headerNames: string[];
}

/**
 * Splits a client's HTTP/1.1 byte stream into request heads, skipping bodies (`Content-Length` or
 * chunked), so several requests on one kept-alive connection are each seen once. After an
 * `Upgrade` request (or on input it cannot parse) it reads nothing more from the stream.
 */
export class RequestHeadParser {
  private buffer = Buffer.alloc(0);
  private bodyLeft = 0;
  private chunked = false;
  private stopped = false;

  constructor(private readonly onHead: (head: RequestHead) => void) {}

  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.step());
  }

  /** Consumes one piece (body bytes, a chunk-size line or a head); false when more input is needed. */
  private step(): boolean {
    if (this.bodyLeft > 0) {
      const n = Math.min(this.bodyLeft, this.buffer.length);
      this.buffer = this.buffer.subarray(n);
      this.bodyLeft -= n;
      return this.bodyLeft === 0;
    }
    if (this.chunked) return this.chunkSize();
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return false;
    const [line = "", ...fields] = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
    this.buffer = this.buffer.subarray(end + 4);
    const headers = new Map(
      fields.map((f) => [
        f.slice(0, f.indexOf(":")).trim().toLowerCase(),
        f.slice(f.indexOf(":") + 1).trim(),
      ]),
    );
    this.onHead({ line: line.replace(/ HTTP\/\d\.\d$/, ""), headerNames: [...headers.keys()] });
    if (headers.has("upgrade")) {
      this.stopped = true;
      return false;
    }
    this.chunked = /chunked/i.test(headers.get("transfer-encoding") ?? "");
    this.bodyLeft = this.chunked ? 0 : Number(headers.get("content-length") ?? 0);
    return true;
  }

  private chunkSize(): boolean {
    const lineEnd = this.buffer.indexOf("\r\n");
    if (lineEnd < 0) return false;
    const size = parseInt(this.buffer.subarray(0, lineEnd).toString("latin1"), 16);
    if (Number.isNaN(size)) {
      this.stopped = true;
      return false;
    }
    if (size > 0) {
      this.buffer = this.buffer.subarray(lineEnd + 2);
      this.bodyLeft = size + 2; // the chunk and its closing CRLF
      return true;
    }
    // The last chunk: optional trailers, then an empty line.
    const end = this.buffer.indexOf("\r\n\r\n", lineEnd);
    if (end < 0) return false;
    this.buffer = this.buffer.subarray(end + 4);
    this.chunked = false;
    return true;
  }
}
