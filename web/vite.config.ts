/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// supabase-js constructs its Realtime and Storage clients in `createClient`,
// which the SPA never uses; they are swapped for web/src/lib/sdk/unused.ts
// (why, and what guards it, is written there).
const unused = fileURLToPath(new URL("./src/lib/sdk/unused.ts", import.meta.url));
// Vitest leaves node_modules to Node, where aliases do not apply: supabase-js goes
// through Vite in the tests too, so they run the build's client.
export const sdkInline = ["@supabase/supabase-js"];

export default defineConfig({
  root: "web",
  envDir: "..",
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@supabase\/realtime-js$/, replacement: unused },
      { find: /^@supabase\/storage-js$/, replacement: unused },
    ],
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true },
  test: {
    root: "web",
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    server: { deps: { inline: sdkInline } },
  },
});
