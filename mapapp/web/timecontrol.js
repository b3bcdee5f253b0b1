/* mapapp's time control: one track with two handles (one in "As of" mode) over a histogram of the data, the
 * window shaded, play/step/speed, the dates typed or read aloud. mapapp.js makes one per map with
 * mapappTime.create(); the window itself (st.start, st.end, st.mode, in months: year * 12 + month - 1) belongs to
 * mapapp.js, which this control changes and then tells through onChange().
 *
 * The two handles are two native range inputs laid over one track: each keeps the browser's own keyboard,
 * touch and screen-reader behaviour (role slider, its value read as a month through aria-valuetext). The
 * track shows the purge's years first (histogram.purge); "All years" widens it to the data's whole span, and
 * it widens by itself when the window leaves the purge's years. Every text reaches the DOM as text (el()). */
(function () {
  "use strict";

  var SPEEDS = { slow: 3, normal: 12, fast: 36 }; // months per second
  var SVGNS = "http://www.w3.org/2000/svg";

  /* "1937-08", "1937-8", "08.1937", "8/1937" or "1937" (its first month, or its last when ``last``) → month index;
   * null when it is not a month. */
  function parseMonth(text, last) {
    var t = String(text).trim(), m;
    function index(year, month) {
      month = Number(month);
      return month >= 1 && month <= 12 ? Number(year) * 12 + month - 1 : null;
    }
    if ((m = /^(\d{4})$/.exec(t))) return Number(m[1]) * 12 + (last ? 11 : 0);
    if ((m = /^(\d{4})[-./](\d{1,2})$/.exec(t))) return index(m[1], m[2]);
    if ((m = /^(\d{1,2})[-./](\d{4})$/.exec(t))) return index(m[2], m[1]);
    return null;
  }

  function create(o) {
    var el = o.el, S = o.S, st = o.st, months = o.months, label = o.label, fill = o.fill, monthIndex = o.monthIndex;
    var monthText = o.monthText, spanMin = o.spanMin, spanMax = o.spanMax;
    var hist = o.histogram || { purge: null, series: [] };
    var purgeMin = hist.purge ? Math.max(spanMin, monthIndex(hist.purge.start)) : spanMin;
    var purgeMax = hist.purge ? Math.min(spanMax, monthIndex(hist.purge.end)) : spanMax;
    var full = purgeMin <= spanMin && purgeMax >= spanMax;
    var timer = null, speed = "normal", announceTimer = null, lastCount = 0;
    var reduced = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
    function spoken(i) { return (o.monthsLong || months)[i % 12] + " " + Math.floor(i / 12); } // read aloud: in full
    function lo() { return full ? spanMin : purgeMin; }
    function hi() { return full ? spanMax : purgeMax; }

    var node = el("div", "mapapp-time-body");
    node.setAttribute("role", "group");
    node.setAttribute("aria-label", S.mode_window);
    var rowA = el("div", "mapapp-time-row");
    node.appendChild(rowA);
    function button(text, cls, title) {
      var b = el("button", "mapapp-button " + cls, text);
      b.type = "button";
      if (title) { b.title = title; b.setAttribute("aria-label", title); }
      rowA.appendChild(b);
      return b;
    }
    var playBtn = button(S.play, "mapapp-play");
    playBtn.setAttribute("aria-pressed", "false");
    var backBtn = button("◀", "mapapp-step-back", S.step_back);
    var fwdBtn = button("▶", "mapapp-step-forward", S.step_forward);
    var modeWin = button(S.mode_window, "mapapp-mode-window");
    var modeAsof = button(S.mode_asof, "mapapp-mode-asof");
    var speedSel = el("select", "mapapp-speed");
    speedSel.setAttribute("aria-label", S.speed);
    ["slow", "normal", "fast"].forEach(function (k) {
      var opt = el("option", null, S.speed + ": " + S["speed_" + k]);
      opt.value = k;
      if (k === speed) opt.selected = true;
      speedSel.appendChild(opt);
    });
    rowA.appendChild(speedSel);
    var yearNode = el("span", "mapapp-year");
    yearNode.setAttribute("aria-hidden", "true"); // the live region and the sliders say it in words
    rowA.appendChild(yearNode);

    // The dates, typed: year-month, checked on Enter or on leaving the field. Not on a kiosk: no keyboard there,
    // and a text field would call up one.
    var hintId = "mapapp-date-hint-" + Math.random().toString(36).slice(2, 8);
    function dateField(cls, text) {
      var wrap = el("label", "mapapp-date-field " + cls);
      var cap = el("span", "mapapp-date-label", text);
      var input = el("input", "mapapp-date-input");
      input.type = "text";
      input.inputMode = "numeric";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.size = 7;
      input.setAttribute("aria-describedby", hintId);
      wrap.appendChild(cap);
      wrap.appendChild(input);
      rowA.appendChild(wrap);
      return { wrap: wrap, cap: cap, input: input };
    }
    var fromF = null, toF = null;
    if (o.typed) {
      fromF = dateField("mapapp-date-from", S.from);
      toF = dateField("mapapp-date-to", S.to);
      var hint = el("span", "mapapp-sr-only", S.date_typed);
      hint.id = hintId;
      rowA.appendChild(hint);
    }
    var rangeNode = el("span", "mapapp-range");
    rangeNode.setAttribute("aria-hidden", "true");
    rowA.appendChild(rangeNode);
    var trackBtn = null;
    if (!full) {
      trackBtn = button(S.track_full, "mapapp-track-toggle");
      trackBtn.title = fill(S.track_full_label, { start: Math.floor(purgeMin / 12), end: Math.floor(purgeMax / 12) });
      trackBtn.setAttribute("aria-pressed", "false");
    }
    var error = el("p", "mapapp-date-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    node.appendChild(error);

    // The track: the histogram, the window's shade, the two handles.
    var track = el("div", "mapapp-track");
    node.appendChild(track);
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("class", "mapapp-hist");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", S.hist_label);
    var shade = el("div", "mapapp-track-window");
    track.appendChild(shade);
    track.appendChild(svg);
    function slider(name, text) {
      var wrap = el("span", "mapapp-slider mapapp-slider-" + name);
      var input = el("input");
      input.type = "range";
      input.step = 1;
      input.setAttribute("aria-label", text);
      wrap.appendChild(input);
      track.appendChild(wrap);
      return input;
    }
    var fromIn = slider("from", S.from), toIn = slider("to", S.to);
    var axis = el("div", "mapapp-track-axis");
    axis.setAttribute("aria-hidden", "true");
    node.appendChild(axis);
    var key = el("div", "mapapp-hist-key");
    node.appendChild(key);
    var live = el("div", "mapapp-sr-only mapapp-live");
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    node.appendChild(live);

    var drawn = {}; // series id → the values drawn on the track now, from its first month (the tests read it)
    function drawTrack() {
      var a = lo(), b = hi(), n = b - a + 1, lanes = hist.series.length || 1, lane = 10;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      svg.setAttribute("viewBox", "-0.5 0 " + n + " " + lanes * lane);
      drawn = {};
      hist.series.forEach(function (s, k) {
        var first = monthIndex(s.first), top = 0, values = [];
        for (var m = a; m <= b; m++) {
          var v = s.values[m - first] || 0;
          values.push(v);
          if (v > top) top = v;
        }
        drawn[s.id] = values;
        var d = [], base = (k + 1) * lane;
        values.forEach(function (v, j) {
          // a month with any value is at least a hairline tall: one event in a year of dozens stays visible
          if (v) d.push("M" + (j - 0.5) + " " + base + "v-" + Math.max(0.6, (lane - 1) * v / top).toFixed(2) + "h1V" + base + "z");
        });
        var path = document.createElementNS(SVGNS, "path");
        path.setAttribute("d", d.join(""));
        path.setAttribute("fill", s.colour);
        path.setAttribute("data-series", s.id);
        svg.appendChild(path);
      });
      axis.textContent = "";
      var span = Math.floor(b / 12) - Math.floor(a / 12), every = span > 60 ? 20 : span > 24 ? 10 : span > 8 ? 2 : 1;
      // the first year whose January is on the track, rounded up to the spacing
      for (var y = Math.ceil(Math.ceil(a / 12) / every) * every; y * 12 <= b; y += every) {
        var tick = el("span", "mapapp-tick", y);
        tick.style.setProperty("--at", String((y * 12 - a) / n));
        axis.appendChild(tick);
      }
      [fromIn, toIn].forEach(function (input) { input.min = a; input.max = b; });
      if (trackBtn) trackBtn.setAttribute("aria-pressed", String(full));
    }
    key.textContent = "";
    hist.series.forEach(function (s) {
      var item = el("span", "mapapp-hist-item");
      var swatch = el("span", "mapapp-hist-swatch");
      swatch.style.background = s.colour;
      item.appendChild(swatch);
      item.appendChild(el("span", null, s.label));
      key.appendChild(item);
    });

    function setFull(on) { if (on !== full) { full = on; drawTrack(); sync(lastCount); } }
    function changed() { o.onChange(); }
    fromIn.addEventListener("input", function () {
      st.start = Number(fromIn.value);
      if (st.start > st.end) st.end = st.start;
      changed();
    });
    toIn.addEventListener("input", function () {
      st.end = Number(toIn.value);
      if (st.end < st.start) st.start = st.end;
      changed();
    });
    // A year at a time with Page Up/Down (the browser's own step is a tenth of the track).
    [fromIn, toIn].forEach(function (input) {
      input.addEventListener("keydown", function (e) {
        if (e.key !== "PageUp" && e.key !== "PageDown") return;
        e.preventDefault();
        input.value = String(Math.max(lo(), Math.min(hi(), Number(input.value) + (e.key === "PageUp" ? 12 : -12))));
        input.dispatchEvent(new Event("input"));
      });
    });
    // A press on the track (not on a handle) moves the nearer handle there.
    track.addEventListener("pointerdown", function (e) {
      if (e.target === fromIn || e.target === toIn) return;
      var r = svg.getBoundingClientRect(), n = hi() - lo() + 1;
      var m = Math.round(lo() - 0.5 + (e.clientX - r.left) / r.width * n);
      m = Math.max(lo(), Math.min(hi(), m));
      if (st.mode === "asof" || Math.abs(m - st.end) <= Math.abs(m - st.start)) { st.end = m; if (st.end < st.start) st.start = m; }
      else { st.start = m; if (st.start > st.end) st.end = m; }
      changed();
    });
    function typed(field, which) {
      function apply() {
        var m = parseMonth(field.input.value, which === "end");
        if (m === null || m < spanMin || m > spanMax) {
          field.input.setAttribute("aria-invalid", "true");
          error.textContent = fill(S.date_invalid, { first: monthText(spanMin), last: monthText(spanMax) });
          error.hidden = false;
          return;
        }
        [fromF, toF].forEach(function (f) { f.input.removeAttribute("aria-invalid"); }); // the one error is gone
        error.hidden = true;
        if (which === "start") { st.start = m; if (st.end < m) st.end = m; } else { st.end = m; if (st.start > m) st.start = m; }
        changed();
      }
      field.input.addEventListener("change", apply);
      field.input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); apply(); } });
    }
    if (o.typed) { typed(fromF, "start"); typed(toF, "end"); }

    function step(delta) {
      var width = st.end - st.start;
      if (st.mode === "window") {
        st.start = Math.max(spanMin, Math.min(spanMax - width, st.start + delta));
        st.end = st.start + width;
      } else {
        st.end = Math.max(spanMin, Math.min(spanMax, st.end + delta));
      }
      changed();
    }
    function still() { return !!(reduced && reduced.matches); }
    function play() {
      if (timer) return;
      if (still()) { say(S.play_reduced); return; }
      // playback runs over the track shown: the purge's years, or every year once widened
      if (st.end >= hi()) { // (sync keeps the window on the track: it never starts before it)
        var w = st.end - st.start;
        st.start = lo();
        st.end = st.mode === "window" ? Math.min(hi(), lo() + w) : lo();
      }
      timer = setInterval(function () {
        if (st.end >= hi()) { pause(); return; }
        step(1);
      }, 1000 / SPEEDS[speed]);
      playBtn.textContent = S.pause;
      playBtn.setAttribute("aria-pressed", "true");
    }
    function pause() {
      var was = timer !== null;
      if (timer) clearInterval(timer);
      timer = null;
      playBtn.textContent = S.play;
      playBtn.setAttribute("aria-pressed", "false");
      if (was) announce(lastCount);
    }
    function motion() {
      playBtn.setAttribute("aria-disabled", String(still()));
      playBtn.title = still() ? S.play_reduced : "";
      if (still()) pause();
    }
    if (reduced) {
      if (reduced.addEventListener) reduced.addEventListener("change", motion); else reduced.addListener(motion);
    }
    motion();
    playBtn.addEventListener("click", function () { if (timer) pause(); else play(); });
    backBtn.addEventListener("click", function () { pause(); step(-1); });
    fwdBtn.addEventListener("click", function () { pause(); step(1); });
    modeWin.addEventListener("click", function () { st.mode = "window"; changed(); });
    modeAsof.addEventListener("click", function () { st.mode = "asof"; changed(); });
    speedSel.addEventListener("change", function () { speed = speedSel.value; if (timer) { pause(); play(); } });
    if (trackBtn) trackBtn.addEventListener("click", function () { setFull(!full); });

    function say(text) { live.textContent = text; }
    function windowText(n) {
      return st.mode === "asof" ? fill(S.announce_asof, { end: spoken(st.end), n: n })
        : fill(S.announce_window, { start: spoken(st.start), end: spoken(st.end), n: n });
    }
    // Said once the window stops moving, never at each step of playback.
    function announce(n) {
      clearTimeout(announceTimer);
      announceTimer = setTimeout(function () { if (!timer) say(windowText(n)); }, 600);
    }
    function sync(count) {
      lastCount = count;
      var asof = st.mode === "asof";
      if (!full && (st.end < purgeMin || st.end > purgeMax || (!asof && st.start < purgeMin))) { full = true; drawTrack(); }
      fromIn.value = st.start;
      toIn.value = st.end;
      fromIn.setAttribute("aria-valuetext", spoken(st.start));
      toIn.setAttribute("aria-valuetext", spoken(st.end));
      toIn.setAttribute("aria-label", asof ? S.mode_asof : S.to);
      // the handle nearer the track's end goes on top, so two handles on one month can still be parted
      fromIn.parentNode.style.zIndex = st.start > (lo() + hi()) / 2 ? "3" : "1";
      fromIn.parentNode.style.display = asof ? "none" : "";
      if (o.typed) {
        fromF.wrap.style.display = asof ? "none" : "";
        toF.cap.textContent = asof ? S.mode_asof : S.to;
        if (document.activeElement !== fromF.input) fromF.input.value = monthText(st.start);
        if (document.activeElement !== toF.input) toF.input.value = monthText(st.end);
      }
      modeWin.setAttribute("aria-pressed", String(!asof));
      modeAsof.setAttribute("aria-pressed", String(asof));
      yearNode.textContent = String(Math.floor(st.end / 12));
      rangeNode.textContent = asof ? S.mode_asof + " " + label(st.end) : label(st.start) + " – " + label(st.end);
      var a = lo(), n = hi() - a + 1, first = asof ? a : Math.max(a, st.start);
      shade.style.setProperty("--from", String((first - a) / n));
      shade.style.setProperty("--to", String((Math.min(hi(), st.end) - a + 1) / n));
      announce(count);
    }
    drawTrack();

    return {
      node: node, sync: sync, play: play, pause: pause, step: step,
      playing: function () { return timer !== null; },
      track: function () { return { start: monthText(lo()), end: monthText(hi()), full: full, series: drawn }; },
      setFull: setFull
    };
  }

  window.mapappTime = { create: create, parseMonth: parseMonth };
})();
