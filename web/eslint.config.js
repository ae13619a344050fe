// The import boundaries of the SPA (`npm test` runs this as the "boundaries"
// suite): app/ → features/ → shared code, one way only. A feature imports
// neither app/ nor another feature; shared code (components/, lib/, config/,
// testing/) imports no feature and not app/. Features are listed from the
// folder, so a new one is covered when it is created.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import babelParser from "@babel/eslint-parser";
import importPlugin from "eslint-plugin-import";

const web = dirname(fileURLToPath(import.meta.url));
const features = readdirSync(join(web, "src/features"), { withFileTypes: true })
  .filter((d) => d.isDirectory()).map((d) => d.name);
const shared = ["components", "lib", "config", "testing"];

export default [
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: {
      // TypeScript 7 has no JavaScript API for typescript-eslint; Babel parses TS/TSX,
      // which is all an import rule needs.
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: { babelrc: false, configFile: false, parserOpts: { plugins: ["jsx", "typescript"] } },
      },
    },
    plugins: { import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".tsx", ".js"] } } },
    rules: {
      "import/no-restricted-paths": ["error", {
        basePath: web,
        zones: [
          ...features.map((f) => ({
            target: `./src/features/${f}`,
            from: "./src/features",
            except: [`./${f}`],
            message: "A feature imports no other feature: move what both need into shared code (lib/, components/).",
          })),
          {
            target: "./src/features",
            from: "./src/app",
            message: "Features don't import app/: session, routing and queries live in lib/.",
          },
          {
            target: shared.map((s) => `./src/${s}`),
            from: ["./src/features", "./src/app"],
            message: "Shared code imports no feature and not app/.",
          },
        ],
      }],
      // The SPA's build leaves supabase-js's Realtime and Storage out (web/src/lib/sdk/unused.ts).
      "no-restricted-properties": ["error",
        ...["channel", "getChannels", "removeChannel", "removeAllChannels", "realtime", "storage"].map((property) => ({
          object: "supabase",
          property,
          message: "The SPA uses neither Realtime nor Storage; its build leaves them out (web/src/lib/sdk/unused.ts).",
        })),
      ],
    },
  },
];
