// One of mapapp/web/*.js run in a fresh jsdom page, as the browser runs it: the shared set-up of tests/js/*.test.mjs.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const sources = new Map();

/** A fresh page's window after ``mapapp/web/<file>`` ran in it; ``prepare(window)`` runs first (timers, media). */
export function page(file, prepare) {
  if (!sources.has(file)) {
    sources.set(file, readFileSync(new URL(`../../mapapp/web/${file}`, import.meta.url), "utf8"));
  }
  const w = new JSDOM("<!DOCTYPE html><body></body>", { runScripts: "outside-only" }).window;
  if (prepare) prepare(w);
  // Under Stryker the file is instrumented and reads the mutant to switch on from process.env: hand the page the
  // one variable it looks for (it runs in jsdom's realm, not Node's).
  const active = process.env.__STRYKER_ACTIVE_MUTANT__;
  if (active !== undefined) w.process = { env: { __STRYKER_ACTIVE_MUTANT__: active } };
  w.eval(sources.get(file));
  return w;
}
