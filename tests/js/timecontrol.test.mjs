// The time control (mapapp/web/timecontrol.js) in jsdom: its parser, its handles, keys, typed dates, track,
// histogram, playback, reduced motion and announcements. Run by tests/test_js_units.py (`node --test tests/js/`)
// and by Stryker (stryker.config.json) to see which changes to the control these tests would miss.
import { test } from "node:test";
import assert from "node:assert/strict";
import { page } from "./page.mjs";

const SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"];
const S = {
  play: "Play", pause: "Pause", step_back: "One month back", step_forward: "One month forward", speed: "Speed",
  speed_slow: "slow", speed_normal: "normal", speed_fast: "fast", mode_window: "Period", mode_asof: "As of",
  from: "From", to: "To", hist_label: "What the data holds", track_full: "All years",
  track_full_label: "Every year, not only {start}–{end}", date_typed: "year-month",
  date_invalid: "Type a month between {first} and {last}.", announce_window: "Period {start} – {end}: {n} events",
  announce_asof: "As of {end}: {n} events", play_reduced: "Playback is off: reduced motion."
};
// values made in the page's realm, as plain values of this one (deepEqual compares prototypes)
const plain = (x) => JSON.parse(JSON.stringify(x));
const m = (ym) => { const [y, mo] = ym.split("-").map(Number); return y * 12 + mo - 1; };
const text = (i) => `${Math.floor(i / 12)}-${String(i % 12 + 1).padStart(2, "0")}`;

/** A fake clock for the control's timers: tick(ms) runs what falls due, in order. */
function clock() {
  let now = 0, next = 1;
  const timers = new Map();
  return {
    setTimeout: (f, ms) => { timers.set(next, { at: now + ms, f, every: 0 }); return next++; },
    setInterval: (f, ms) => { timers.set(next, { at: now + ms, f, every: ms }); return next++; },
    clear: (id) => { timers.delete(id); },
    tick(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, t] = due;
        now = t.at;
        if (t.every) t.at += t.every; else timers.delete(id);
        t.f();
      }
      now = end;
    },
    pending: () => timers.size
  };
}

/** A control on a fresh page: the window 1934-01..1953-12 over a span 1893-01..2016-12, the purge's track. */
function make({ reduced = false, typed = true, series, state, span, histogram, noMedia = false } = {}) {
  const c = clock();
  const media = { matches: reduced, listeners: [], addEventListener(_, f) { this.listeners.push(f); } };
  const w = page("timecontrol.js", (w) => {
    w.setTimeout = c.setTimeout; w.setInterval = c.setInterval; w.clearTimeout = c.clear; w.clearInterval = c.clear;
    if (!noMedia) w.matchMedia = () => media;
  });
  const el = (tag, cls, t) => {
    const n = w.document.createElement(tag);
    if (cls) n.className = cls;
    if (t !== undefined && t !== null) n.textContent = String(t);
    return n;
  };
  const fill = (t, v) => String(t).replace(/\{(\w+)\}/g, (x, k) => (v[k] !== undefined ? v[k] : x));
  const st = Object.assign({ start: m("1934-01"), end: m("1953-12"), mode: "window" }, state || {});
  const out = { w, c, st, media, changes: 0, count: 7 };
  out.ctl = w.mapappTime.create({
    el, S, st, months: SHORT, monthsLong: LONG, fill, monthIndex: m, monthText: text,
    label: (i) => `${SHORT[i % 12]} ${Math.floor(i / 12)}`,
    spanMin: m((span || ["1893-01"])[0]), spanMax: m((span || [null, "2016-12"])[1]), typed,
    histogram: histogram === null ? undefined : histogram || {
      purge: { start: "1934-01", end: "1953-12" },
      series: series || [{ id: "events", kind: "events", label: "events", colour: "#332288", first: "1934-12",
                           values: [1, 0, 2.5] }] },
    onChange: () => { out.changes += 1; out.ctl.sync(out.count); }
  });
  w.document.body.appendChild(out.ctl.node);
  out.ctl.sync(out.count);
  out.q = (sel) => w.document.querySelector(sel);
  out.from = out.q(".mapapp-slider-from input");
  out.to = out.q(".mapapp-slider-to input");
  out.input = (node, value) => { node.value = String(value); node.dispatchEvent(new w.Event("input")); };
  out.key = (node, key) => node.dispatchEvent(new w.KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  out.type = (field, value) => { const i = out.q(`.mapapp-date-${field} input`); i.value = value; out.key(i, "Enter"); return i; };
  out.click = (sel) => out.q(sel).dispatchEvent(new w.MouseEvent("click", { bubbles: true }));
  return out;
}

test("parseMonth reads year-month in the ways people type it", () => {
  const { w } = make();
  const p = w.mapappTime.parseMonth;
  const cases = [["1937-08", false, m("1937-08")], ["1937-8", false, m("1937-08")], [" 1937-08 ", false, m("1937-08")],
    ["1937.08", false, m("1937-08")], ["1937/8", false, m("1937-08")], ["08.1937", false, m("1937-08")],
    ["8/1937", false, m("1937-08")], ["12-1937", false, m("1937-12")], ["1937", false, m("1937-01")],
    ["1937", true, m("1937-12")], ["1937-01", true, m("1937-01")], ["1937-12", false, m("1937-12")]];
  for (const [t, last, want] of cases) assert.equal(p(t, last), want, t);
  for (const bad of ["1937-13", "1937-00", "13.1937", "0/1937", "37-08", "19370", "1937-", "-08", "abcd", "", "1937 08",
                     "1937-08-01", "x1937", "1937x", "x1937-08", "108.1937", "08.19371", "1937-081"]) {
    assert.equal(p(bad, false), null, bad);
  }
});

test("the track shows the purge's years first, All years widens it, and back", () => {
  const t = make();
  assert.deepEqual([Number(t.to.min), Number(t.to.max)], [m("1934-01"), m("1953-12")]);
  assert.deepEqual([Number(t.from.min), Number(t.from.max)], [m("1934-01"), m("1953-12")]);
  const btn = t.q(".mapapp-track-toggle");
  assert.equal(btn.getAttribute("aria-pressed"), "false");
  assert.equal(btn.title, "Every year, not only 1934–1953");
  t.click(".mapapp-track-toggle");
  assert.deepEqual([Number(t.to.min), Number(t.to.max)], [m("1893-01"), m("2016-12")]);
  assert.equal(btn.getAttribute("aria-pressed"), "true");
  const { series, ...track } = plain(t.ctl.track());
  assert.deepEqual(track, { start: "1893-01", end: "2016-12", full: true });
  assert.equal(series.events.length, m("2016-12") - m("1893-01") + 1);
  t.click(".mapapp-track-toggle");
  assert.equal(t.ctl.track().full, false);
  assert.equal(t.ctl.track().start, "1934-01");
});

test("a window outside the purge's years widens the track by itself", () => {
  for (const state of [{ start: m("1930-01") }, { end: m("1960-05") }, { mode: "asof", start: m("1900-01"), end: m("1933-12") }]) {
    const t = make({ state });
    assert.equal(t.ctl.track().full, true, JSON.stringify(state));
  }
  const asof = make({ state: { mode: "asof", start: m("1900-01"), end: m("1940-01") } }); // As of: the start is not shown
  assert.equal(asof.ctl.track().full, false);
  const edge = make({ state: { start: m("1934-01"), end: m("1953-12") } }); // the purge's first and last month
  assert.equal(edge.ctl.track().full, false);
});

test("the handles say their months in full and stay in order", () => {
  const t = make();
  assert.equal(t.from.getAttribute("aria-valuetext"), "January 1934");
  assert.equal(t.to.getAttribute("aria-valuetext"), "December 1953");
  assert.equal(t.to.getAttribute("aria-label"), "To");
  t.input(t.to, m("1936-05"));
  assert.deepEqual([t.st.start, t.st.end], [m("1934-01"), m("1936-05")]);
  assert.equal(t.to.getAttribute("aria-valuetext"), "May 1936");
  t.input(t.from, m("1937-02")); // past the end: the end follows
  assert.deepEqual([t.st.start, t.st.end], [m("1937-02"), m("1937-02")]);
  t.input(t.to, m("1935-03")); // before the start: the start follows
  assert.deepEqual([t.st.start, t.st.end], [m("1935-03"), m("1935-03")]);
  assert.equal(t.q(".mapapp-year").textContent, "1935");
  assert.equal(t.q(".mapapp-range").textContent, "Mar 1935 – Mar 1935");
  assert.ok(t.changes >= 3);
});

test("Page Up and Page Down move a handle a year, within the track", () => {
  const t = make({ state: { start: m("1936-06"), end: m("1940-06") } });
  t.key(t.to, "PageUp");
  assert.equal(t.st.end, m("1941-06"));
  t.key(t.to, "PageDown");
  t.key(t.to, "PageDown");
  assert.equal(t.st.end, m("1939-06"));
  t.key(t.from, "PageDown");
  assert.equal(t.st.start, m("1935-06"));
  t.key(t.from, "PageDown"); // 1934-06 …
  t.key(t.from, "PageDown"); // … and no further than the track's first month
  assert.equal(t.st.start, m("1934-01"));
  const high = make({ state: { start: m("1950-01"), end: m("1953-03") } });
  high.key(high.to, "PageUp");
  assert.equal(high.st.end, m("1953-12"));
  const before = high.st.end;
  high.key(high.to, "ArrowUp"); // other keys are the browser's own
  assert.equal(high.st.end, before);
});

test("typed dates set the window; a bad one says how to write it and changes nothing", () => {
  const t = make();
  t.type("from", "1937-08");
  assert.equal(t.st.start, m("1937-08"));
  const bad = t.type("from", "1937-13");
  assert.equal(bad.getAttribute("aria-invalid"), "true");
  const error = t.q(".mapapp-date-error");
  assert.equal(error.hidden, false);
  assert.equal(error.textContent, "Type a month between 1893-01 and 2016-12.");
  assert.equal(t.st.start, m("1937-08"));
  t.type("to", "1938"); // a year alone ends in its December
  assert.equal(t.st.end, m("1938-12"));
  assert.equal(bad.hasAttribute("aria-invalid"), false); // the one error is gone
  assert.equal(error.hidden, true);
  t.type("to", "1936-02"); // before the start: the start follows
  assert.deepEqual([t.st.start, t.st.end], [m("1936-02"), m("1936-02")]);
  t.type("from", "1939-04"); // after the end: the end follows
  assert.deepEqual([t.st.start, t.st.end], [m("1939-04"), m("1939-04")]);
  for (const outside of ["1892-12", "2017-01"]) {
    t.type("from", outside);
    assert.equal(t.st.start, m("1939-04"), outside);
  }
  t.type("from", "1893-01"); // the span's first month is allowed
  assert.equal(t.st.start, m("1893-01"));
  const field = t.q(".mapapp-date-from input");
  field.value = "1940-01";
  field.dispatchEvent(new t.w.Event("change")); // leaving the field applies it too
  assert.equal(t.st.start, m("1940-01"));
  assert.equal(t.q(".mapapp-date-to input").value, "1940-01");
});

test("the kiosk has no typed dates", () => {
  const t = make({ typed: false });
  assert.equal(t.q(".mapapp-date-input"), null);
  assert.equal(t.q(".mapapp-sr-only[id^=mapapp-date-hint]"), null);
});

test("As of is one handle", () => {
  const t = make();
  t.click(".mapapp-mode-asof");
  assert.equal(t.st.mode, "asof");
  assert.equal(t.from.parentNode.style.display, "none");
  assert.equal(t.q(".mapapp-date-from").style.display, "none");
  assert.equal(t.to.getAttribute("aria-label"), "As of");
  assert.equal(t.q(".mapapp-date-to .mapapp-date-label").textContent, "As of");
  assert.equal(t.q(".mapapp-mode-asof").getAttribute("aria-pressed"), "true");
  assert.equal(t.q(".mapapp-mode-window").getAttribute("aria-pressed"), "false");
  assert.equal(t.q(".mapapp-range").textContent, "As of Dec 1953");
  t.click(".mapapp-mode-window");
  assert.equal(t.from.parentNode.style.display, "");
  assert.equal(t.to.getAttribute("aria-label"), "To");
});

test("steps move the whole window, and stop at the span's ends", () => {
  const t = make({ state: { start: m("1937-01"), end: m("1937-12") } });
  t.click(".mapapp-step-forward");
  assert.deepEqual([t.st.start, t.st.end], [m("1937-02"), m("1938-01")]);
  t.click(".mapapp-step-back");
  t.click(".mapapp-step-back");
  assert.deepEqual([t.st.start, t.st.end], [m("1936-12"), m("1937-11")]);
  const end = make({ state: { start: m("2016-01"), end: m("2016-12") } });
  end.ctl.step(1);
  assert.deepEqual([end.st.start, end.st.end], [m("2016-01"), m("2016-12")]);
  const start = make({ state: { start: m("1893-01"), end: m("1893-06") } });
  start.ctl.step(-1);
  assert.deepEqual([start.st.start, start.st.end], [m("1893-01"), m("1893-06")]);
  const asof = make({ state: { mode: "asof", end: m("1940-01") } });
  asof.ctl.step(1);
  assert.deepEqual([asof.st.start, asof.st.end], [m("1934-01"), m("1940-02")]); // As of moves its one date
});

test("play runs month by month over the track and stops at its end", () => {
  const t = make({ state: { start: m("1953-01"), end: m("1953-12") } });
  t.click(".mapapp-play"); // at the end: starts again from the track's first month, the window kept
  assert.equal(t.ctl.playing(), true);
  assert.deepEqual([t.st.start, t.st.end], [m("1934-01"), m("1934-12")]);
  const btn = t.q(".mapapp-play");
  assert.equal(btn.textContent, "Pause");
  assert.equal(btn.getAttribute("aria-pressed"), "true");
  t.c.tick(1000 / 12 * 3 + 1); // normal speed: 12 months a second
  assert.deepEqual([t.st.start, t.st.end], [m("1934-04"), m("1935-03")]);
  t.c.tick(60_000);
  assert.equal(t.ctl.playing(), false);
  assert.equal(t.st.end, m("1953-12"));
  assert.equal(btn.textContent, "Play");
  assert.equal(btn.getAttribute("aria-pressed"), "false");
  t.c.tick(1000);
  assert.equal(t.q(".mapapp-live").textContent, "Period January 1953 – December 1953: 7 events");
});

test("speed sets the months per second; a step pauses playback", () => {
  const t = make({ state: { start: m("1934-01"), end: m("1934-01") } });
  const speed = t.q(".mapapp-speed");
  speed.value = "fast";
  speed.dispatchEvent(new t.w.Event("change"));
  t.ctl.play();
  t.c.tick(1000 + 1);
  assert.equal(t.st.end, m("1934-01") + 36);
  speed.value = "slow";
  speed.dispatchEvent(new t.w.Event("change")); // while playing: on at the new speed
  assert.equal(t.ctl.playing(), true);
  const at = t.st.end;
  t.c.tick(1000 + 1);
  assert.equal(t.st.end, at + 3);
  t.click(".mapapp-step-forward");
  assert.equal(t.ctl.playing(), false);
  assert.equal(t.st.end, at + 4);
  t.click(".mapapp-play");
  t.click(".mapapp-play");
  assert.equal(t.ctl.playing(), false);
  assert.equal(t.c.pending() <= 1, true); // no interval left running (an announcement may wait)
});

test("playback on a widened track runs over every year", () => {
  const t = make({ state: { start: m("2016-12"), end: m("2016-12") } });
  assert.equal(t.ctl.track().full, true);
  t.ctl.play();
  assert.equal(t.st.end, m("1893-01"));
});

test("reduced motion: no playback, and the button says why", () => {
  const t = make({ reduced: true });
  const btn = t.q(".mapapp-play");
  assert.equal(btn.getAttribute("aria-disabled"), "true");
  assert.equal(btn.title, "Playback is off: reduced motion.");
  t.click(".mapapp-play");
  assert.equal(t.ctl.playing(), false);
  assert.equal(t.q(".mapapp-live").textContent, "Playback is off: reduced motion.");
  // the preference lifted, playback works; set again while playing, it stops
  t.media.matches = false;
  t.media.listeners.forEach((f) => f());
  assert.equal(btn.getAttribute("aria-disabled"), "false");
  assert.equal(btn.title, "");
  t.ctl.play();
  assert.equal(t.ctl.playing(), true);
  t.media.matches = true;
  t.media.listeners.forEach((f) => f());
  assert.equal(t.ctl.playing(), false);
});

test("the window is said once it stops moving, never during playback", () => {
  const t = make();
  const live = t.q(".mapapp-live");
  assert.equal(live.getAttribute("aria-live"), "polite");
  t.c.tick(599);
  assert.equal(live.textContent, "");
  t.c.tick(2);
  assert.equal(live.textContent, "Period January 1934 – December 1953: 7 events");
  t.count = 3;
  t.input(t.to, m("1937-12"));
  t.c.tick(300);
  t.input(t.to, m("1938-12")); // a second move within 600 ms: one announcement, of the last window
  t.c.tick(599);
  assert.equal(live.textContent, "Period January 1934 – December 1953: 7 events");
  t.c.tick(2);
  assert.equal(live.textContent, "Period January 1934 – December 1938: 3 events");
  t.click(".mapapp-mode-asof");
  t.c.tick(700);
  assert.equal(live.textContent, "As of December 1938: 3 events");
  t.click(".mapapp-mode-window");
  t.ctl.play();
  t.c.tick(900);
  assert.notEqual(live.textContent.indexOf("December 1938"), -1); // nothing said while it plays
});

test("the histogram puts each value under its month, a lane per series", () => {
  const t = make({ series: [
    { id: "events", kind: "events", label: "events per month", colour: "#332288", first: "1934-12", values: [1, 0, 2.5] },
    { id: "camps", kind: "level", label: "prisoners by year", colour: "#88CCEE", first: "1953-12", values: [5, 5, 5] }
  ] });
  const { series } = plain(t.ctl.track());
  assert.equal(series.events.length, m("1953-12") - m("1934-01") + 1);
  assert.deepEqual(series.events.slice(10, 15), [0, 1, 0, 2.5, 0]);
  assert.equal(series.events.reduce((a, b) => a + b, 0), 3.5);
  assert.deepEqual(series.camps.slice(-2), [0, 5]); // what lies beyond the track is not drawn
  const paths = [...t.w.document.querySelectorAll(".mapapp-hist path")];
  assert.deepEqual(paths.map((p) => p.getAttribute("data-series")), ["events", "camps"]);
  assert.deepEqual(paths.map((p) => p.getAttribute("fill")), ["#332288", "#88CCEE"]);
  const bars = (p) => (p.getAttribute("d").match(/M/g) || []).length;
  assert.deepEqual(paths.map(bars), [2, 1]); // a bar per month with a value
  const d = paths[0].getAttribute("d");
  assert.ok(d.startsWith("M10.5 10v-3.60h1V10z"), d); // 1 of 2.5, in the first lane (10 high): 9 × 0.4
  assert.ok(d.includes("M12.5 10v-9.00h1V10z"), d); // the largest is the lane's height less one
  assert.ok(paths[1].getAttribute("d").startsWith("M238.5 20v-9.00h1V20z")); // the second lane
  assert.equal(t.q(".mapapp-hist").getAttribute("viewBox"), `-0.5 0 ${m("1953-12") - m("1934-01") + 1} 20`);
  assert.deepEqual([...t.w.document.querySelectorAll(".mapapp-hist-item")].map((n) => n.textContent),
                   ["events per month", "prisoners by year"]);
  t.click(".mapapp-track-toggle");
  assert.equal(t.ctl.track().series.events[m("1934-12") - m("1893-01")], 1);
});

test("a tiny value is still a visible bar", () => {
  const t = make({ series: [{ id: "events", kind: "events", label: "e", colour: "#000", first: "1934-01",
                              values: [1000, 0.001] }] });
  assert.ok(t.q(".mapapp-hist path").getAttribute("d").includes("M0.5 10v-0.60h1V10z"));
});

test("the window's shade spans its months on the track", () => {
  const t = make({ state: { start: m("1934-01"), end: m("1934-12") } });
  const shade = t.q(".mapapp-track-window");
  const n = m("1953-12") - m("1934-01") + 1;
  assert.equal(Number(shade.style.getPropertyValue("--from")), 0);
  assert.equal(Number(shade.style.getPropertyValue("--to")), 12 / n);
  t.click(".mapapp-mode-asof"); // As of: everything up to the date
  assert.equal(Number(shade.style.getPropertyValue("--from")), 0);
  t.click(".mapapp-mode-window");
  t.input(t.from, m("1944-01"));
  t.input(t.to, m("1953-12"));
  assert.equal(Number(shade.style.getPropertyValue("--from")), (m("1944-01") - m("1934-01")) / n);
  assert.equal(Number(shade.style.getPropertyValue("--to")), 1);
});

test("the handle nearer the track's end is on top, so two handles on one month can be parted", () => {
  const t = make({ state: { start: m("1953-12"), end: m("1953-12") } });
  assert.equal(t.from.parentNode.style.zIndex, "3");
  t.input(t.from, m("1934-01"));
  assert.equal(t.from.parentNode.style.zIndex, "1");
});

test("a press on the track moves the nearer handle there", () => {
  const t = make({ state: { start: m("1936-01"), end: m("1950-01") } });
  const svg = t.q(".mapapp-hist"), n = m("1953-12") - m("1934-01") + 1;
  svg.getBoundingClientRect = () => ({ left: 100, width: n * 2, top: 0, height: 40 });
  const press = (month) => t.q(".mapapp-track").dispatchEvent(new t.w.MouseEvent("pointerdown", {
    bubbles: true, clientX: 100 + (month - m("1934-01") + 0.5) * 2 }));
  press(m("1948-03"));
  assert.deepEqual([t.st.start, t.st.end], [m("1936-01"), m("1948-03")]);
  press(m("1937-07"));
  assert.deepEqual([t.st.start, t.st.end], [m("1937-07"), m("1948-03")]);
  t.click(".mapapp-mode-asof");
  press(m("1935-02")); // one handle: it goes there
  assert.equal(t.st.end, m("1935-02"));
  assert.equal(t.st.start, m("1935-02"));
});

test("the control names its parts for assistive technology", () => {
  const t = make();
  const node = t.ctl.node;
  assert.equal(node.getAttribute("role"), "group");
  assert.equal(node.getAttribute("aria-label"), "Period");
  for (const sel of [".mapapp-year", ".mapapp-range", ".mapapp-track-axis"]) {
    assert.equal(t.q(sel).getAttribute("aria-hidden"), "true", sel); // said by the sliders and the live region
  }
  assert.equal(t.q(".mapapp-live").getAttribute("role"), "status");
  const error = t.q(".mapapp-date-error");
  assert.equal(error.getAttribute("role"), "alert");
  assert.equal(error.hidden, true);
  const svg = t.q(".mapapp-hist");
  assert.equal(svg.namespaceURI, "http://www.w3.org/2000/svg");
  assert.equal(svg.getAttribute("role"), "img");
  assert.equal(svg.getAttribute("aria-label"), "What the data holds");
  assert.equal(svg.getAttribute("preserveAspectRatio"), "none");
  assert.deepEqual([t.from.type, t.to.type, t.from.step, t.to.step], ["range", "range", "1", "1"]);
  assert.equal(t.from.getAttribute("aria-label"), "From");
  const back = t.q(".mapapp-step-back"), fwd = t.q(".mapapp-step-forward"), play = t.q(".mapapp-play");
  assert.deepEqual([back.textContent, back.title, back.getAttribute("aria-label")], ["◀", "One month back", "One month back"]);
  assert.deepEqual([fwd.textContent, fwd.getAttribute("aria-label")], ["▶", "One month forward"]);
  assert.equal(play.getAttribute("aria-label"), null); // its text is its name
  assert.equal(play.getAttribute("aria-pressed"), "false");
  assert.deepEqual([...t.w.document.querySelectorAll("button")].map((b) => b.type), Array(6).fill("button"));
  const speed = t.q(".mapapp-speed");
  assert.equal(speed.getAttribute("aria-label"), "Speed");
  assert.deepEqual([...speed.options].map((o) => [o.value, o.textContent, o.selected]),
                   [["slow", "Speed: slow", false], ["normal", "Speed: normal", true], ["fast", "Speed: fast", false]]);
  const field = t.q(".mapapp-date-from input");
  assert.equal(field.closest("label").className, "mapapp-date-field mapapp-date-from");
  assert.deepEqual([field.type, field.inputMode, field.autocomplete, field.spellcheck], ["text", "numeric", "off", false]);
  const hint = t.w.document.getElementById(field.getAttribute("aria-describedby"));
  assert.equal(hint.textContent, "year-month");
  assert.equal(hint.className, "mapapp-sr-only");
  assert.match(hint.id, /^mapapp-date-hint-[a-z0-9]{6}$/);
  assert.equal(t.q(".mapapp-track-toggle").getAttribute("aria-pressed"), "false");
  assert.equal(t.q(".mapapp-hist-item .mapapp-hist-swatch").style.background, "rgb(51, 34, 136)");
});

test("a span inside the purge's years has no track to widen; no histogram is no lane", () => {
  const inside = make({ span: ["1936-01", "1940-12"], state: { start: m("1937-01"), end: m("1937-12") } });
  assert.equal(inside.q(".mapapp-track-toggle"), null);
  assert.deepEqual(plain(inside.ctl.track()).start, "1936-01");
  assert.equal(inside.ctl.track().full, true);
  const bare = make({ histogram: null, state: { start: m("1937-01"), end: m("1937-12") } });
  assert.equal(bare.q(".mapapp-track-toggle"), null);
  assert.equal(bare.ctl.track().start, "1893-01");
  assert.equal(bare.w.document.querySelectorAll(".mapapp-hist path").length, 0);
  for (const [span, full] of [[["1934-01", "1960-12"], false], [["1930-01", "1953-12"], false]]) {
    assert.equal(make({ span }).ctl.track().full, full, span.join());
  }
});

test("the axis marks years at a spacing that fits the track", () => {
  const ticks = (t) => [...t.w.document.querySelectorAll(".mapapp-tick")].map((n) => n.textContent);
  const t = make();
  assert.deepEqual(ticks(t), ["1934", "1936", "1938", "1940", "1942", "1944", "1946", "1948", "1950", "1952"]);
  const n = m("1953-12") - m("1934-01") + 1;
  const at = [...t.w.document.querySelectorAll(".mapapp-tick")].map((x) => Number(x.style.getPropertyValue("--at")));
  assert.deepEqual(at.slice(0, 2), [0, 24 / n]);
  t.click(".mapapp-track-toggle");
  assert.deepEqual(ticks(t), ["1900", "1920", "1940", "1960", "1980", "2000"]);
  assert.equal(t.w.document.querySelectorAll(".mapapp-hist path").length, 1); // redrawn, not drawn twice
  assert.deepEqual(ticks(make({ span: ["1934-03", "1939-12"] })), ["1935", "1936", "1937", "1938", "1939"]);
  assert.deepEqual(ticks(make({ span: ["1930-01", "1953-12"], state: { start: m("1930-01") } })),
                   ["1930", "1932", "1934", "1936", "1938", "1940", "1942", "1944", "1946", "1948", "1950", "1952"]);
  assert.deepEqual(ticks(make({ span: ["1900-01", "1961-12"], state: { start: m("1900-01") } })),
                   ["1900", "1920", "1940", "1960"]);
  assert.deepEqual(ticks(make({ span: ["1910-01", "1970-12"], state: { start: m("1910-01") } })),
                   ["1910", "1920", "1930", "1940", "1950", "1960", "1970"]);
  assert.deepEqual(ticks(make({ span: ["1930-01", "1954-12"], state: { start: m("1930-01") } })), // 24 years: by 2
                   ["1930", "1932", "1934", "1936", "1938", "1940", "1942", "1944", "1946", "1948", "1950", "1952", "1954"]);
  assert.deepEqual(ticks(make({ span: ["1930-01", "1955-12"], state: { start: m("1930-01") } })), // 25: by 10
                   ["1930", "1940", "1950"]);
  assert.deepEqual(ticks(make({ span: ["1930-01", "1938-12"], state: { start: m("1930-01") } })), // 8 years: each
                   ["1930", "1931", "1932", "1933", "1934", "1935", "1936", "1937", "1938"]);
  assert.deepEqual(ticks(make({ span: ["1930-01", "1939-12"], state: { start: m("1930-01") } })), // 9: by 2
                   ["1930", "1932", "1934", "1936", "1938"]);
});

test("presses on a handle are the handle's own; an equal distance moves the end", () => {
  const t = make({ state: { start: m("1936-01"), end: m("1940-01") } });
  const svg = t.q(".mapapp-hist"), n = m("1953-12") - m("1934-01") + 1;
  svg.getBoundingClientRect = () => ({ left: 0, width: n, top: 0, height: 40 });
  const before = [t.st.start, t.st.end];
  for (const input of [t.from, t.to]) {
    input.dispatchEvent(new t.w.MouseEvent("pointerdown", { bubbles: true, clientX: 5 }));
  }
  assert.deepEqual([t.st.start, t.st.end], before);
  t.q(".mapapp-track").dispatchEvent(new t.w.MouseEvent("pointerdown", { bubbles: true,
    clientX: m("1938-01") - m("1934-01") + 0.5 }));
  assert.deepEqual([t.st.start, t.st.end], [m("1936-01"), m("1938-01")]);
  t.q(".mapapp-track").dispatchEvent(new t.w.MouseEvent("pointerdown", { bubbles: true, clientX: -50 }));
  assert.equal(t.st.start, m("1934-01")); // off the track's start: its first month
});

test("a typed year starts a window at its January; the span's last month may be typed", () => {
  const t = make();
  t.type("from", "1936");
  assert.equal(t.st.start, m("1936-01"));
  t.type("to", "2016-12");
  assert.equal(t.st.end, m("2016-12"));
  const field = t.q(".mapapp-date-from input");
  field.value = "1940-05";
  t.key(field, "a"); // not Enter: nothing yet
  assert.equal(t.st.start, m("1936-01"));
});

test("a field being typed in is not overwritten; the others follow the window", () => {
  const t = make();
  const from = t.q(".mapapp-date-from input"), to = t.q(".mapapp-date-to input");
  from.focus();
  from.value = "19";
  t.input(t.to, m("1950-01"));
  assert.equal(from.value, "19");
  assert.equal(to.value, "1950-01");
  to.focus();
  to.value = "195";
  t.input(t.from, m("1940-01"));
  assert.equal(to.value, "195");
  assert.equal(from.value, "1940-01");
  t.click(".mapapp-mode-asof");
  t.click(".mapapp-mode-window");
  assert.equal(t.q(".mapapp-date-from").style.display, "");
});

test("play twice is one playback; speed alone does not start it", () => {
  const t = make({ state: { start: m("1934-01"), end: m("1934-01") } });
  const speed = t.q(".mapapp-speed");
  speed.value = "fast";
  speed.dispatchEvent(new t.w.Event("change"));
  assert.equal(t.ctl.playing(), false);
  t.ctl.play();
  t.ctl.play();
  t.c.tick(1000 + 1);
  assert.equal(t.st.end, m("1934-01") + 36); // not twice as fast
  t.media.listeners.forEach((f) => f()); // the preference told again, still no reduced motion: playback goes on
  assert.equal(t.ctl.playing(), true);
  const asof = make({ state: { mode: "asof", end: m("1953-12") } });
  asof.ctl.play(); // As of at the end: from the track's first month
  assert.equal(asof.st.end, m("1934-01"));
});

test("without matchMedia there is no reduced-motion check, and playback works", () => {
  const t = make({ noMedia: true });
  t.ctl.play();
  assert.equal(t.ctl.playing(), true);
  assert.equal(t.q(".mapapp-play").getAttribute("aria-disabled"), "false");
});

test("an As of date at the purge's first month keeps the purge's track", () => {
  const t = make({ state: { mode: "asof", end: m("1934-01") } });
  assert.equal(t.ctl.track().full, false);
  const w = make({ state: { start: m("1934-01"), end: m("1934-01") } });
  assert.equal(w.ctl.track().full, false);
  w.input(w.to, m("1953-12"));
  assert.equal(w.ctl.track().full, false);
});
