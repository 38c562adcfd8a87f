// ESLint (flat config) for the browser code: plain ES modules loaded by the browser as they are
// (no build step). `make lint` runs it in widget/ (node_modules/.bin/eslint .), then TypeScript
// on the modules' JSDoc types (jsconfig.json).

import js from "@eslint/js";
import globals from "globals";

// Every module starts with `// @ts-check`: jsconfig.json type-checks exactly those modules.
const tsCheck = {
  meta: { type: "problem", messages: { missing: "Start the module with the line // @ts-check." } },
  create(context) {
    return {
      Program(node) {
        const [first] = context.sourceCode.getAllComments();
        const ok = first?.type === "Line" && first.value.trim() === "@ts-check" && first.loc.start.line === 1;
        if (!ok) context.report({ node, messageId: "missing" });
      },
    };
  },
};

export default [
  { ignores: ["node_modules/", "vendor/"] },
  js.configs.recommended,
  {
    files: ["**/*.js"],
    ignores: ["eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { citychat: { rules: { "ts-check": tsCheck } } },
    rules: {
      "citychat/ts-check": "error",
      // mistakes this code base could make
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all", ignoreRestSiblings: true }],
      "prefer-const": "error",
      "no-var": "error",
      "no-shadow": ["error", { builtinGlobals: false }],
      "no-use-before-define": ["error", { functions: false, classes: false, variables: false }],
      "no-param-reassign": "error",
      "no-promise-executor-return": "error",
      "no-self-compare": "error",
      "no-template-curly-in-string": "error",
      "no-unmodified-loop-condition": "error",
      "no-unreachable-loop": "error",
      "no-constructor-return": "error",
      "no-return-assign": ["error", "except-parens"],
      "default-param-last": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
      "no-alert": "error",
      "no-console": "error",
      "object-shorthand": ["error", "properties"],
      // user text goes in with textContent (shared/dom.js, shared/render.js), never as markup
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Set textContent or build nodes with shared/dom.js el()." },
        { property: "outerHTML", message: "Set textContent or build nodes with shared/dom.js el()." },
        { property: "insertAdjacentHTML", message: "Build nodes with shared/dom.js el()." },
        { object: "document", property: "write", message: "Build nodes with shared/dom.js el()." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          // event names come from shared/events.js: socket.on/emit/emitWithAck, the sockets' call()
          selector:
            "CallExpression[callee.property.name=/^(on|off|once|emit|emitWithAck|call)$/] > Literal.arguments:first-child",
          message: "Use the event names of shared/events.js.",
        },
        {
          selector:
            "CallExpression[callee.property.name='send'][callee.object.name=/socket/i] > Literal.arguments:first-child",
          message: "Use the event names of shared/events.js.",
        },
      ],
      // the parts of the three big closures were split out; keep them small
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // this file itself runs in Node.js
    files: ["eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
