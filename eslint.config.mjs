// Lint for the browser code in mapapp/web/: data text reaches the DOM as text, never as HTML.
// Run by tests/test_lint_js.py (so by `bash scripts/test.sh` and CI): `npx eslint`.
import globals from "globals";
import noUnsanitized from "eslint-plugin-no-unsanitized";
import mapapp from "./eslint-rules/mapapp.mjs";

// Functions that build DOM nodes with createElement/textContent and return a node: the only things
// that may be handed to Leaflet as content. node-builder-returns-node checks they never return a string.
const NODE_BUILDERS = ["el", "svgPath", "symbol", "clusterNode", "creditNode", "popupContent", "trailTip",
                       "arrowNode", "featurePopup", "sitePopup", "addressPopup", "recordPopup",
                       "cellPopup", "sitePopup", "recordNode", "keyNode"];

// Leaflet's methods that write a string argument with innerHTML (index of that argument).
const LEAFLET_CONTENT_METHODS = Object.fromEntries(
  ["bindTooltip", "setTooltipContent", "openTooltip", "bindPopup", "setPopupContent", "openPopup", "setContent",
   "addAttribution", "setPrefix"].map((name) => [name, { properties: [0] }]));

const HTML_PROPERTY = "It reads or writes markup: build nodes with document.createElement and textContent (el()).";

export const rules = {
  // innerHTML/outerHTML assignments, insertAdjacentHTML, document.write, createContextualFragment …
  "no-unsanitized/property": "error",
  "no-unsanitized/method": ["error", { escape: { methods: NODE_BUILDERS } }, LEAFLET_CONTENT_METHODS],
  // (its default method checks stay: the Leaflet ones are added to them; builders are its "escapers")
  // Not even a read: copying markup out of one element into another is how node-built text turns into HTML.
  "no-restricted-properties": ["error",
    { property: "innerHTML", message: HTML_PROPERTY },
    { property: "outerHTML", message: HTML_PROPERTY },
    { property: "insertAdjacentHTML", message: HTML_PROPERTY }],
  "mapapp/leaflet-html-option": ["error", { builders: NODE_BUILDERS }],
  "mapapp/node-builder-returns-node": ["error", { builders: NODE_BUILDERS }],
  "no-undef": "error",
  "no-implied-eval": "error",
  "no-eval": "error",
};

export default [
  {
    files: ["mapapp/web/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly", topojson: "readonly" },
    },
    linterOptions: { reportUnusedDisableDirectives: "error", noInlineConfig: true },
    plugins: { "no-unsanitized": noUnsanitized, mapapp },
    rules,
  },
];
