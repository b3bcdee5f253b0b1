// The register layer's arithmetic (mapapp/web/register.js): a window's counts summed from the year files, held to
// a brute-force count over the records themselves; the level for a zoom; the page holding a window; dates.
// Run by tests/test_js_units.py (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { page } from "./page.mjs";

const R = page("register.js").mapappRegister;
const m = (ym) => { const [y, mo] = ym.split("-").map(Number); return y * 12 + mo - 1; };

/** Records [cell, year, month (0: the year only)] → year files as register_web.py writes them. */
function yearFiles(records) {
  const years = {};
  for (const [cell, y, mo] of records) {
    const rows = years[y] = years[y] || {};
    const row = rows[cell] = rows[cell] || [cell, 0];
    if (!mo) { row[1] += 1; continue; }
    let k = 2;
    while (k < row.length && row[k] !== mo) k += 2;
    if (k < row.length) row[k + 1] += 1; else row.push(mo, 1);
  }
  return Object.fromEntries(Object.entries(years).map(([y, rows]) => [y, Object.values(rows)]));
}

/** The same counts straight from the records: sure when dated inside or the whole year inside, else may. */
function brute(nCells, records, first, last) {
  const sure = Array(nCells).fill(0), may = Array(nCells).fill(0);
  for (const [cell, y, mo] of records) {
    if (mo) { if (first <= y * 12 + mo - 1 && y * 12 + mo - 1 <= last) sure[cell] += 1; continue; }
    if (first <= y * 12 && y * 12 + 11 <= last) sure[cell] += 1;
    else if (first <= y * 12 + 11 && y * 12 <= last) may[cell] += 1;
  }
  return { sure, may };
}

/** A small deterministic generator (no dependency): the same records every run. */
function rng(seed) { let s = seed >>> 0; return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32; }

test("a window's counts equal a brute-force count over the records, edges included", () => {
  const rand = rng(1937);
  for (let trial = 0; trial < 200; trial++) {
    const nCells = 1 + Math.floor(rand() * 6);
    const records = Array.from({ length: Math.floor(rand() * 50) }, () =>
      [Math.floor(rand() * nCells), 1935 + Math.floor(rand() * 5), Math.floor(rand() * 13)]);
    const first = 1934 * 12 + Math.floor(rand() * 80), last = first + Math.floor(rand() * 30);
    const got = R.windowCounts(nCells, yearFiles(records), first, last);
    const want = brute(nCells, records, first, last);
    assert.deepEqual([...got.sure], want.sure, `sure, window ${first}..${last}`);
    assert.deepEqual([...got.may], want.may, `may, window ${first}..${last}`);
  }
});

test.describe("the window's edges", () => {
  const files = yearFiles([[0, 1937, 8], [0, 1937, 0], [1, 1938, 1], [1, 1936, 12]]);
  const cases = [
    ["1937-08", "1937-08", [1, 0], [1, 0]], // the month itself; the year-only record may be in it
    ["1937-09", "1937-12", [0, 0], [1, 0]],
    ["1937-01", "1937-12", [2, 0], [0, 0]], // the whole year: the year-only record is sure
    ["1936-12", "1938-01", [2, 2], [0, 0]], // first and last day of the window count
    ["1937-01", "1937-11", [1, 0], [1, 0]], // one month short of the year
    ["1939-01", "1940-12", [0, 0], [0, 0]],
  ];
  for (const [a, b, sure, may] of cases) {
    test(`${a} .. ${b}`, () => {
      const got = R.windowCounts(2, files, m(a), m(b));
      assert.deepEqual([[...got.sure], [...got.may]], [sure, may]);
    });
  }
});

test("the level is the finest the zoom reaches", () => {
  const levels = [{ id: "h3r2", minZoom: 0 }, { id: "h3r4", minZoom: 5 }, { id: "site", minZoom: 8 }];
  const at = (z) => R.levelAt(levels, z).id;
  assert.deepEqual([2, 4, 5, 7, 8, 16].map(at), ["h3r2", "h3r2", "h3r4", "h3r4", "site", "site"]);
  assert.equal(R.levelAt(levels.slice(0, 1), 12).id, "h3r2"); // the standalone page has the coarsest alone
  const shuffled = [levels[2], levels[0], levels[1]]; // in any order, the finest the zoom reaches
  assert.deepEqual([4, 6, 9].map((z) => R.levelAt(shuffled, z).id), ["h3r2", "h3r4", "site"]);
  // below every level's zoom (none starting at 0): the coarsest, wherever it stands
  assert.equal(R.levelAt([levels[2], levels[1]], 2).id, "h3r4");
  assert.equal(R.levelAt([levels[1], levels[2]], 2).id, "h3r4");
});

test("a popup opens at the page holding the window's first month", () => {
  const starts = [m("1930-01"), m("1937-08"), m("1937-08"), m("1938-02")];
  assert.deepEqual([m("1929-01"), m("1930-01"), m("1937-07"), m("1937-08"), m("1938-01"), m("1938-02"),
                    m("1950-01")].map((f) => R.pageAt(starts, f)), [0, 0, 0, 2, 2, 3, 3]);
  assert.equal(R.pageAt([m("1937-01")], m("1930-01")), 0);
});

test("a record's date is in the window as far as the source knows it", () => {
  const w = [m("1937-08"), m("1938-11")];
  assert.deepEqual(["1937-08-01", "1938-11-30", "1937-07-31", "1938-12", "1937", "1938", "", null]
    .map((d) => R.inWindow(d, w)), [true, true, false, false, false, false, false, false]);
  assert.equal(R.inWindow("1937", [m("1937-01"), m("1937-12")]), true);
  assert.deepEqual(["1937-08-15", "1937-08", "1937", ""].map(R.dateText), ["15.08.1937", "08.1937", "1937", ""]);
});
