#!/usr/bin/env node
// Runs the compiled test files (build/test/<layer>/**/*.test.js) with Node's test runner.
//
// Each argument is a group of layers joined by commas ("unit,components"). Files of one group run one
// after another; groups run side by side, so a group whose tests wait on the Docker engine can share
// the machine with one whose tests only compute. Layers whose tests change what the others on the same
// engine see belong in one group.
// The first group reports as it goes; the others report when they end; a summary closes the run.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..", "build", "test");

function testFiles(layers) {
  const files = [];
  const collect = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) collect(full);
      else if (entry.name.endsWith(".test.js")) files.push(full);
    }
  };
  for (const layer of layers) collect(path.join(root, layer));
  return files;
}

/** Runs one group, its report streamed live or printed whole at its end; resolves with status and report. */
function runGroup(layers, live) {
  const files = testFiles(layers);
  if (files.length === 0) {
    console.error(
      `no compiled tests under build/test/{${layers.join(",")}}: run "tsc -p tsconfig.test.json" first`,
    );
    return Promise.resolve({ layers, status: 1, report: "" });
  }
  const args = ["--enable-source-maps", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let report = "";
  const keep = (chunk, stream) => {
    report += chunk;
    if (live) stream.write(chunk);
  };
  child.stdout.on("data", (chunk) => keep(chunk, process.stdout));
  child.stderr.on("data", (chunk) => keep(chunk, process.stderr));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      if (!live) process.stdout.write(`\n# layers ${layers.join(", ")}\n${report}`);
      resolve({ layers, status: code ?? (signal ? 1 : 0), report });
    });
  });
}

/** The `ℹ name value` lines of a spec report's summary. */
function summaryOf(report) {
  const counts = {};
  for (const match of report.matchAll(/^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm))
    counts[match[1]] = Number(match[2]);
  return counts;
}

async function main() {
  const groups = process.argv.slice(2).map((arg) => arg.split(",").filter(Boolean));
  const started = Date.now();
  const results = await Promise.all(groups.map((layers, i) => runGroup(layers, i === 0)));
  console.log(`\n# every layer: ${Math.round((Date.now() - started) / 1000)} s`);
  for (const { layers, status, report } of results) {
    const n = summaryOf(report);
    const verdict = status === 0 ? "passed" : "FAILED";
    console.log(
      `# ${layers.join(", ")}: ${verdict}: ${n.tests ?? 0} tests, ${n.pass ?? 0} passed, ${n.fail ?? 0} failed, ${n.cancelled ?? 0} cancelled`,
    );
  }
  process.exit(results.some((r) => r.status !== 0) ? 1 : 0);
}

main();
