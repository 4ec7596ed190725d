// Jest's Node environment, with Node's own module loader handed to the specs that must load
// something as a child process would, outside Jest's module registry and with the real
// `process` (test/support/in-process-cli.ts).
const { createRequire } = require('node:module');
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

class AfterPartyTestEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__afterPartyNative = { createRequire, process };
  }
}

module.exports = AfterPartyTestEnvironment;
