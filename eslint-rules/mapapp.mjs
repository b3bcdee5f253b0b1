/* mapapp's own ESLint rules: data text reaches the DOM as text, never as an HTML string.
 *
 * eslint-plugin-no-unsanitized covers innerHTML/outerHTML/insertAdjacentHTML/document.write and,
 * configured in eslint.config.mjs, Leaflet's methods that take content (bindTooltip, setContent, …).
 * Two holes are left, closed here:
 *
 * - leaflet-html-option: Leaflet also takes markup through options objects — `L.divIcon({html})`,
 *   `L.tooltip({content})`, `L.popup({content})` — and writes a string there with innerHTML.
 *   Such an option must be `false`, a string literal without markup, or a call of a node builder.
 * - node-builder-returns-node: a node builder (a function named in the rules' `builders` option,
 *   which the other rules trust to return a DOM node) must not return a string.
 */

const CONTENT_OPTIONS = {
  divIcon: ["html"], DivIcon: ["html"],
  tooltip: ["content"], Tooltip: ["content"],
  popup: ["content"], Popup: ["content"],
};

function calleeName(callee) {
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier") {
    return callee.property.name;
  }
  return null;
}

function propertyName(prop) {
  if (prop.type !== "Property" || prop.computed) return null;
  if (prop.key.type === "Identifier") return prop.key.name;
  if (prop.key.type === "Literal") return String(prop.key.value);
  return null;
}

/** Why `node` may not be content Leaflet writes as HTML, or null when it is fine. */
function unsafeContent(node, builders) {
  if (node.type === "Literal") {
    if (node.value === false || node.value === null) return null;
    if (typeof node.value === "string" && !/[<&]/.test(node.value)) return null;
    return "a literal with markup";
  }
  if (node.type === "CallExpression") {
    const name = calleeName(node.callee);
    if (name && builders.includes(name)) return null;
    return `the result of ${name || "a call"}(), which is not a node builder (${builders.join(", ")})`;
  }
  return `a ${node.type}, which may be a string`;
}

const schema = [{
  type: "object",
  properties: { builders: { type: "array", items: { type: "string" } } },
  additionalProperties: false,
}];

const leafletHtmlOption = {
  meta: {
    type: "problem",
    docs: { description: "Leaflet options that Leaflet writes as HTML must be DOM nodes from a node builder" },
    schema,
    messages: {
      unsafe: "{{call}}({ {{option}}: … }) is {{why}}: Leaflet writes a string there as HTML. " +
              "Pass a DOM node built with textContent (one of the node builders).",
    },
  },
  create(context) {
    const builders = (context.options[0] && context.options[0].builders) || [];
    function check(node) {
      const name = calleeName(node.callee);
      const options = name && CONTENT_OPTIONS[name];
      if (!options) return;
      node.arguments.forEach((arg) => {
        if (arg.type !== "ObjectExpression") return;
        arg.properties.forEach((prop) => {
          const key = propertyName(prop);
          if (!key || !options.includes(key)) return;
          const why = unsafeContent(prop.value, builders);
          if (why) context.report({ node: prop.value, messageId: "unsafe", data: { call: name, option: key, why } });
        });
      });
    }
    return { CallExpression: check, NewExpression: check };
  },
};

function isStringish(node) {
  if (!node) return false;
  if (node.type === "Literal") return typeof node.value === "string";
  if (node.type === "TemplateLiteral") return true;
  if (node.type === "BinaryExpression") return node.operator === "+";
  if (node.type === "ConditionalExpression") return isStringish(node.consequent) || isStringish(node.alternate);
  if (node.type === "CallExpression" && node.callee.type === "MemberExpression" && !node.callee.computed) {
    return ["toString", "join", "replace", "slice", "concat", "trim"].includes(node.callee.property.name);
  }
  return false;
}

const nodeBuilderReturnsNode = {
  meta: {
    type: "problem",
    docs: { description: "A node builder returns a DOM node, never a string" },
    schema,
    messages: {
      stringReturn: "{{name}} is a node builder (trusted to return a DOM node) but returns a string here.",
    },
  },
  create(context) {
    const builders = (context.options[0] && context.options[0].builders) || [];
    const stack = [];
    function enter(node) {
      let name = node.id ? node.id.name : null;
      if (!name && node.parent && node.parent.type === "VariableDeclarator" && node.parent.id.type === "Identifier") {
        name = node.parent.id.name;
      }
      stack.push(name && builders.includes(name) ? name : null);
    }
    function leave() { stack.pop(); }
    return {
      FunctionDeclaration: enter, "FunctionDeclaration:exit": leave,
      FunctionExpression: enter, "FunctionExpression:exit": leave,
      ArrowFunctionExpression: enter, "ArrowFunctionExpression:exit": leave,
      ReturnStatement(node) {
        const name = stack[stack.length - 1];
        if (name && isStringish(node.argument)) {
          context.report({ node, messageId: "stringReturn", data: { name } });
        }
      },
    };
  },
};

export default {
  meta: { name: "eslint-plugin-mapapp" },
  rules: {
    "leaflet-html-option": leafletHtmlOption,
    "node-builder-returns-node": nodeBuilderReturnsNode,
  },
};
