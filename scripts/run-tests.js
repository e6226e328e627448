#!/usr/bin/env node
// Runs the compiled test files of the named layers (build/test/<layer>/**/*.test.js) with Node's test
// runner, one run for all of them so the closing summary counts every test.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const layers = process.argv.slice(2);
const root = path.join(__dirname, "..", "build", "test");
const files = [];
function collect(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full);
    else if (entry.name.endsWith(".test.js")) files.push(full);
  }
}
for (const layer of layers) collect(path.join(root, layer));
if (files.length === 0) {
  console.error(
    `no compiled tests under build/test/{${layers.join(",")}}: run "tsc -p tsconfig.test.json" first`,
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--enable-source-maps", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
