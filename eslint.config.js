import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "db/migrations/", "test-artifacts/", "coverage/", "static/", "tmp-scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["bin/*.js", "packages/check-client/*.js", "packages/check-client/bin/*.js", "eslint.config.js"],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Promise safety: nothing floats, nothing async is passed where a sync callback is expected.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The check client is plain JavaScript on Node's globals; its types live in check-client.d.ts.
    files: ["packages/check-client/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: "readonly", URL: "readonly", fetch: "readonly", AbortSignal: "readonly", Buffer: "readonly" },
    },
  },
  {
    // Response bodies in tests are untyped JSON; asserting on them is the point.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Domain code is plain async functions over the database: it knows nothing of HTTP, pages or the
    // composition root. Documents (invoices, licenses, grants) render through src/templates.ts.
    files: ["src/**/*.ts"],
    ignores: [
      "src/http/**",
      "src/web/**",
      "src/db/**",
      "src/**/*.routes.ts",
      "src/app.ts",
      "src/server.ts",
      "src/main.ts",
      "src/deps.ts",
      "src/templates.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "express", message: "domain code does not know HTTP: take plain arguments and an Actor" },
            { name: "handlebars", message: "render documents through src/templates.ts" },
            { name: "better-sqlite3", message: "only src/db/ knows the engine" },
            { name: "pg", message: "only src/db/ knows the engine" },
          ],
          patterns: [
            {
              group: ["**/http/*", "**/web/*", "**/*.routes.js", "**/app.js", "**/deps.js"],
              message: "domain code may not import HTTP, pages, routes or the composition root",
            },
          ],
        },
      ],
    },
  },
  {
    // Functions a reader can hold in mind: split into reads, a pure decision and one write.
    files: ["src/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 70, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Outside src/db/ the engines' own APIs are off limits: raw SQL goes through src/db/sql.ts.
    files: ["src/**/*.ts"],
    ignores: ["src/db/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='$client']",
          message: "no driver API outside src/db/: use the query builder or src/db/sql.ts",
        },
        {
          selector: "CallExpression[callee.property.name='execute'][arguments.length=1]",
          message: "raw SQL goes through queryRows/execute of src/db/sql.ts",
        },
      ],
    },
  },
  { files: ["bin/*.js", "eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
