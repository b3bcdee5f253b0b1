/* mapapp kiosk, page side: idle countdown, reset, "start again", the attract tour's start and
 * stop, and a locked page (no context menu, no page zoom). The map frame is same-origin, so
 * touches inside it are watched here too. Settings come as JSON from the page (kioskview.py). */
(function () {
  "use strict";
  function readConfig() {
    var nodes = document.querySelectorAll("#mapapp-kiosk-config");
    return JSON.parse(nodes[nodes.length - 1].textContent);
  }
  // Streamlit runs this script again when the page changes language: relabel, don't rebuild.
  if (window.__mapappKiosk) { window.__mapappKiosk.relabel(readConfig()); return; }
  var cfg = readConfig();
  var S = cfg.strings, lastTouch = Date.now(), counting = false, left = 0, tick = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function mapFrame() {
    var frames = document.querySelectorAll("iframe[title*='st_folium']");
    return frames.length ? frames[frames.length - 1] : null;
  }
  function mapApi() {
    var f = mapFrame();
    try { return f && f.contentWindow ? f.contentWindow.mapappApi : null; } catch (e) { return null; }
  }
  function reset(attract) {
    location.replace(cfg.reset_url + (attract && cfg.attract ? "&attract=1" : ""));
  }

  // --- "Are you still there?"
  var overlay = el("div", "mapapp-kiosk-overlay");
  overlay.hidden = true;
  overlay.setAttribute("role", "alertdialog");
  var box = el("div", "mapapp-kiosk-dialog");
  box.appendChild(el("p", "mapapp-kiosk-question", S.still_there));
  var countNode = el("p", "mapapp-kiosk-count");
  box.appendChild(countNode);
  var cont = el("button", "mapapp-kiosk-button", S["continue"]);
  cont.type = "button";
  box.appendChild(cont);
  overlay.appendChild(box);
  document.body.appendChild(overlay);
  function showCount() { countNode.textContent = S.restarting_in.replace("{n}", String(left)); }
  function showOverlay() {
    counting = true;
    left = cfg.countdown_s;
    showCount();
    overlay.hidden = false;
    tick = setInterval(function () {
      left -= 1;
      showCount();
      if (left <= 0) { clearInterval(tick); reset(true); }
    }, 1000);
  }
  function hideOverlay() {
    counting = false;
    clearInterval(tick);
    overlay.hidden = true;
  }

  // --- always-visible "start again"
  var again = el("button", "mapapp-kiosk-button mapapp-kiosk-again", S.start_again);
  again.type = "button";
  again.addEventListener("click", function () { reset(false); });
  document.body.appendChild(again);

  // --- activity, from the page and from inside the map frame
  function touched() {
    lastTouch = Date.now();
    if (counting) hideOverlay();
    var api = mapApi();
    if (attracting && api && api.touring()) { api.stopTour(); }
    if (attracting) { attracting = false; history.replaceState(null, "", cfg.reset_url); }
  }
  function lock(doc) {
    if (!doc || doc.__mapappLocked) return;
    doc.__mapappLocked = true;
    ["pointerdown", "touchstart", "keydown", "wheel"].forEach(function (type) {
      doc.addEventListener(type, touched, { capture: true, passive: true });
    });
    doc.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    doc.addEventListener("wheel", function (e) { if (e.ctrlKey) e.preventDefault(); }, { passive: false });
    doc.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && ["+", "-", "=", "0"].indexOf(e.key) >= 0) e.preventDefault();
    });
  }
  lock(document);

  window.__mapappKiosk = {
    relabel: function (fresh) {
      cfg = fresh;
      S = fresh.strings;
      box.firstChild.textContent = S.still_there;
      cont.textContent = S["continue"];
      again.textContent = S.start_again;
      if (counting) showCount();
    }
  };

  // --- the attract tour after a reset
  var attracting = /[?&]attract=1\b/.test(location.search);
  setInterval(function () {
    var f = mapFrame();
    try { if (f && f.contentDocument) lock(f.contentDocument); } catch (e) { /* frame not ready yet */ }
    var api = mapApi();
    if (attracting && api && !api.touring()) api.runTour();
    if (api && api.touring()) lastTouch = Date.now(); // the tour is not idleness
    if (!counting && !attracting && Date.now() - lastTouch > cfg.idle_timeout_s * 1000) showOverlay();
  }, 500);
})();
