import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** The commands the app registers with Tauri (`generate_handler![...]` in lib.rs). */
function registered(): string[] {
  const handler = /generate_handler!\[([^\]]*)\]/.exec(read("src-tauri/src/lib.rs"))?.[1];
  if (!handler) throw new Error("no generate_handler![...] in src-tauri/src/lib.rs");
  return handler
    .split(",")
    .map((path) => path.trim().split("::").pop() ?? "")
    .filter((name) => name !== "")
    .sort();
}

/** The names in the UI's typed table (`interface Commands { name: {...}; }` in commands.ts). */
function typed(): string[] {
  const table = /export interface Commands \{([\s\S]*?)\n\}/.exec(read("ui/src/commands.ts"))?.[1];
  if (!table) throw new Error("no `export interface Commands` in ui/src/commands.ts");
  return [...table.matchAll(/^ {2}([a-z_]+): \{/gm)].map((m) => m[1] ?? "").sort();
}

describe("the typed command table", () => {
  it("lists exactly the commands the app registers", () => {
    expect(registered().length).toBeGreaterThan(30);
    expect(typed()).toEqual(registered());
  });
});
