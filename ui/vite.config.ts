import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The app freezes Object.prototype (tauri.conf.json, `freezePrototype`), and @preact/signals-core
 * assigns its own `valueOf` and `toString` to its prototypes. Assigning over a frozen inherited
 * property throws in module code, so the UI would stop before drawing anything. This gives the
 * prototypes their own writable property first, which the library's assignment then replaces;
 * nothing else changes. The build fails if the library's shape changes, so this is looked at again.
 */
function signalsUnderFrozenPrototype(): Plugin {
  const assignment = /\b([A-Za-z_$][\w$]*)\.prototype\.(valueOf|toString)=/g;
  const own =
    "function __waSyncOwn(o,k){Object.defineProperty(o,k,{value:void 0,writable:true,configurable:true});return o}\n";
  return {
    name: "wa-sync-signals-under-frozen-prototype",
    enforce: "pre",
    transform(code, id) {
      if (!/@preact[\\/]signals-core[\\/]dist[\\/]/.test(id)) return null;
      const patched = code.replace(assignment, (_all, target: string, key: string) => {
        return `__waSyncOwn(${target}.prototype,"${key}").${key}=`;
      });
      if (patched === code) {
        this.error(`${id} no longer assigns valueOf/toString to a prototype: check whether this patch is still needed`);
      }
      return { code: own + patched, map: null };
    },
  };
}

// The UI lives in ui/ and builds into ui/dist, which tauri.conf.json serves (no dev server).
export default defineConfig({
  root,
  base: "./",
  clearScreen: false,
  plugins: [signalsUnderFrozenPrototype()],
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
