'use strict';

// Serverless plugin: refuse to package or deploy unless deploy/lambda_package.py is the one running osls.
//
// That script does what a bare `npx serverless deploy` cannot: it sets SOURCE_DATE_EPOCH, so that pip
// writes hash-checked .pyc that stay valid in the zip (whose entries all carry one fixed date), and it
// compiles this repository's own modules with CPython 3.12 (Lambda's runtime). Without both, every cold
// start would compile every module again in a read-only code directory. Run directly, osls used to stop
// on an unresolved ${env:SOURCE_DATE_EPOCH}; this says what to run instead, before anything is built.

const MARKER = 'SERVERLESS_ML_PACKAGER';

class RequirePackager {
  constructor(serverless) {
    this.serverless = serverless;
    const check = () => this.check();
    // package:cleanup is package's first step (it empties .serverless/): refuse before it.
    this.hooks = { 'before:package:cleanup': check, 'before:deploy:deploy': check };
  }

  check() {
    if (process.env[MARKER] && process.env.SOURCE_DATE_EPOCH) {
      return;
    }
    throw new this.serverless.classes.Error(
      'Package and deploy through deploy/lambda_package.py, which sets SOURCE_DATE_EPOCH and compiles the ' +
        ".pyc Lambda loads: 'make deploy-aws STAGE=prod' (add ACCESS=public to open the APIs), or " +
        "'make package' to build offline. Running serverless or osls directly would ship bundles that " +
        'compile every module at each cold start.'
    );
  }
}

module.exports = RequirePackager;
