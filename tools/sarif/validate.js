#!/usr/bin/env node
// tools/sarif/validate.js - validates SARIF files against the SARIF 2.1.0
// JSON schema that the SARIF SDK ships (sarif-2.1.0.json in the
// @microsoft/sarif-multitool-linux package), with ajv and its formats
// (uri, uri-reference, date-time...). Usage: node validate.js FILE...
// Exit 0 when every file is valid, 1 otherwise (errors on stderr), 2 on
// a missing installation (run `make sarif-deps`).
'use strict';
const fs = require('fs');
const path = require('path');

let Ajv2020, addFormats, schema;
try {
  Ajv2020 = require('ajv/dist/2020');
  addFormats = require('ajv-formats');
  schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8'));
} catch (e) {
  console.error(`sarif validator not installed (${e.message}): make sarif-deps`);
  process.exit(2);
}
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const file of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (!validate(doc)) {
    bad++;
    for (const err of validate.errors.slice(0, 20))
      console.error(`${path.basename(file)}: ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
  }
}
process.exit(bad ? 1 : 0);
