// Just enough of protobuf's wire format for the few BuildKit messages a build exchanges with the engine.

/** One field of a message: varints as numbers, length-delimited fields as bytes. */
export interface WireField {
  field: number;
  value: number | Buffer;
}

/** Protobuf's base-128 varint. */
function varint(n: number): Buffer {
  const bytes: number[] = [];
  do {
    const low = n % 128;
    n = Math.floor(n / 128);
    bytes.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** The fields of a message in order; fixed-width fields are skipped, a truncated message ends early. */
export function wireFields(message: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = message[at++] ?? 0;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (!(byte & 0x80) || at >= message.length) return value;
    }
  };
  while (at < message.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) fields.push({ field, value: readVarint() });
    else if (wire === 2) {
      const length = readVarint();
      fields.push({ field, value: message.subarray(at, at + length) });
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else break;
  }
  return fields;
}

/** The first length-delimited field numbered `field`, as text. */
export function stringField(message: Buffer, field: number): string | undefined {
  const found = wireFields(message).find((f) => f.field === field && Buffer.isBuffer(f.value));
  return found && (found.value as Buffer).toString("utf8");
}

/** A message of length-delimited fields, by field number. */
export function lengthDelimited(fields: [number, Buffer | string][]): Buffer {
  return Buffer.concat(
    fields.flatMap(([field, value]) => {
      const bytes = Buffer.from(value);
      return [varint(field * 8 + 2), varint(bytes.length), bytes];
    }),
  );
}
