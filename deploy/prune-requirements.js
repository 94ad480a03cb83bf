'use strict';

// Serverless plugin: after serverless-python-requirements has put the requirements into each function's
// zip, remove from one function's zip the files its served paths never import.
//
// serverless-python-requirements' slimPatterns apply to every function alike, but what a function may
// lose differs: the prediction function never imports numpy.ma or numpy.testing, while matplotlib, on
// the tweets function, needs numpy.ma. Configure per function, with the same glob syntax as slimPatterns:
//
//   custom:
//     pruneRequirements:
//       predict: ["numpy/ma/**", "numpy/testing/**"]
//
// A pattern that matches nothing fails the build: a renamed package would otherwise quietly stop being
// pruned. tests/deploy/test_lambda_bundles.py runs every route from the pruned zips.

const fs = require('fs');
const JSZip = require('jszip');
const micromatch = require('micromatch');

class PruneRequirements {
  constructor(serverless) {
    this.serverless = serverless;
    serverless.configSchemaHandler.defineCustomProperties({
      properties: {
        pruneRequirements: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    });
    // Listed after serverless-python-requirements in serverless.yml, so this runs after its injection.
    this.hooks = { 'after:package:createDeploymentArtifacts': () => this.prune() };
  }

  async prune() {
    const config = (this.serverless.service.custom || {}).pruneRequirements || {};
    for (const [name, patterns] of Object.entries(config)) {
      const fn = this.serverless.service.getFunction(name);
      const artifact = fn.package && fn.package.artifact;
      if (!artifact) {
        throw new Error(`pruneRequirements: function ${name} has no artifact (package individually)`);
      }
      const zip = await JSZip.loadAsync(fs.readFileSync(artifact));
      const files = Object.keys(zip.files).filter((path) => !zip.files[path].dir);
      let removed = 0;
      let bytes = 0;
      for (const pattern of patterns) {
        const matched = micromatch(files, pattern, { dot: true });
        if (matched.length === 0) {
          throw new Error(`pruneRequirements: ${name}: pattern ${pattern} matches no file in ${artifact}`);
        }
        for (const path of matched) {
          if (zip.files[path]) {
            bytes += zip.files[path]._data.uncompressedSize || 0;
            zip.remove(path);
            removed += 1;
          }
        }
      }
      const buffer = await zip.generateAsync({
        type: 'nodebuffer',
        platform: 'UNIX',
        compression: 'DEFLATE',
        compressionOptions: { level: 9 },
      });
      fs.writeFileSync(artifact, buffer);
      this.serverless.cli.log(
        `pruneRequirements: ${name}: removed ${removed} files (${(bytes / 1e6).toFixed(2)} MB unzipped)`
      );
    }
  }
}

module.exports = PruneRequirements;
