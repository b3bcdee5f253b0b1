// Lints JavaScript snippets with the project's ESLint config, in one process (tests/test_lint_js.py).
// stdin: a JSON list of source texts; stdout: for each, the list of rule ids reported (null for a parse error).
import { ESLint } from "eslint";
import { readFileSync } from "node:fs";

const sources = JSON.parse(readFileSync(0, "utf8"));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const code of sources) {
  const [result] = await eslint.lintText(code, { filePath: "mapapp/web/__snippet__.js" });
  out.push(result.messages.map((m) => m.ruleId || (m.fatal ? "fatal: " + m.message : "config: " + m.message)));
}
process.stdout.write(JSON.stringify(out));
