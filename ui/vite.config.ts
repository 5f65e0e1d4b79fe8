import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// The UI lives in ui/ and builds into ui/dist, which tauri.conf.json serves (no dev server).
export default defineConfig({
  root,
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
    // One small bundle; chart.js is the only sizeable dependency.
    chunkSizeWarningLimit: 600,
  },
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["tests/ui/**/*.test.ts"],
    environment: "node",
  },
});
