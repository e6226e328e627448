/**
 * Reading a Helm chart's files from disk: a chart directory or a packaged chart (`.tgz`), with the
 * packaged subcharts under `charts/` opened too. Only what the preflight reads is kept.
 */
import fs from "fs";
import path from "path";
import zlib from "zlib";

/** A chart's text files by their path inside the chart (`Chart.yaml`, `templates/secret.yaml`). */
export type ChartFiles = Map<string, string>;

/** The largest chart Berth reads: charts are kilobytes; anything near this is not a chart. */
const maxArchiveBytes = 64 * 1024 * 1024;

/** Reads the chart at `location`: a directory holding `Chart.yaml`, or a `.tgz` packaged chart. */
export function readChartFiles(location: string): ChartFiles {
  const stat = fs.statSync(location);
  if (stat.isDirectory()) return withSubcharts(readDirectory(location));
  if (stat.size > maxArchiveBytes) throw new Error(`${location} is larger than ${maxArchiveBytes} bytes`);
  return readChartArchive(fs.readFileSync(location));
}

/** The files of a packaged chart (gzip-compressed tar), without the archive's top folder. */
export function readChartArchive(archive: Buffer): ChartFiles {
  const entries = readTar(zlib.gunzipSync(archive, { maxOutputLength: maxArchiveBytes }));
  const files: ChartFiles = new Map();
  for (const [name, content] of entries) {
    // `helm package` puts every file under `<chart name>/`.
    const inside = name.split("/").slice(1).join("/");
    if (inside) files.set(inside, content.toString(inside.endsWith(".tgz") ? "base64" : "utf8"));
  }
  return withSubcharts(files);
}

function readDirectory(root: string): ChartFiles {
  const files: ChartFiles = new Map();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full).split(path.sep).join("/");
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        files.set(relative, fs.readFileSync(full).toString(relative.endsWith(".tgz") ? "base64" : "utf8"));
    }
  };
  walk(root);
  return files;
}

/** Adds the files of each packaged subchart (`charts/<x>.tgz`) under `charts/<its name>/`. */
function withSubcharts(files: ChartFiles): ChartFiles {
  for (const [name, content] of [...files]) {
    if (!/^charts\/[^/]+\.tgz$/.test(name)) continue;
    files.delete(name);
    const sub = readChartArchive(Buffer.from(content, "base64"));
    const folder = name.slice("charts/".length, -".tgz".length);
    for (const [inner, text] of sub) files.set(`charts/${folder}/${inner}`, text);
  }
  return files;
}

const field = (block: Buffer, start: number, length: number) =>
  block
    .subarray(start, start + length)
    .toString("utf8")
    .replace(/\0.*$/s, "");

/**
 * The regular files of a tar stream by name: ustar headers, with GNU long names (`L`) and PAX
 * `path` records (`x`) as Go's and GNU tar's archives write them.
 */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let nextName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(header, 345, 155);
    const name = nextName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    nextName = undefined;
    if (type === "L") nextName = body.toString("utf8").replace(/\0.*$/s, "");
    else if (type === "x") nextName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1];
    else if (type === "0" || type === "\0") files.set(name.replace(/^\.\//, ""), Buffer.from(body));
  }
  return files;
}
