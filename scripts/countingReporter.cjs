// Mocha's spec reporter, plus a machine-readable count of passes, failures and pending tests
// written to $RNN_LENS_COUNTS_FILE, so scripts/test.mjs can count individual tests per stage.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failedTitles = [];
    runner.on('fail', (test) => failedTitles.push(test.fullTitle()));
    runner.once('end', () => {
      const file = process.env.RNN_LENS_COUNTS_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      fs.writeFileSync(`${file}.tmp`, JSON.stringify({ passes, failures, pending, failedTitles }));
      fs.renameSync(`${file}.tmp`, file);
    });
  }
}

module.exports = CountingReporter;
