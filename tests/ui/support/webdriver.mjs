// What the WebDriver end-to-end tests share: where the binaries are, starting tauri-driver and the
// local fakes, the environment that keeps the app away from the user's own settings and
// credentials, and small helpers for steps and secrets.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const repo = fileURLToPath(new URL("../../../", import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ?? `${repo}target`;
export const application = process.env.WA_SYNC_APP ?? `${targetDir}/debug/wa-sync-app`;
const fakesBin = process.env.WA_SYNC_FAKE_SERVICES ?? `${targetDir}/debug/fake-services`;
const driverBin = [`${homedir()}/.cargo/bin/tauri-driver`, "tauri-driver"].find(
  (p) => p === "tauri-driver" || existsSync(p),
);

/** Fails early, naming the command that builds what is missing. */
export function requireBinaries({ fakes = false } = {}) {
  if (!existsSync(application)) throw new Error(`no app binary at ${application}: run make app-debug`);
  if (fakes && !existsSync(fakesBin))
    throw new Error(`no ${fakesBin}: run cargo build -p wa-sync-fakes --bin fake-services`);
}

/** The first line a child prints on stdout, or an error if it exits first or is slow. */
export function firstLine(child, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
    setTimeout(() => reject(new Error(`${what} did not start`)), ms).unref();
  });
}

/** The fakes print one JSON line with their URLs and fixture, then serve until stdin closes.
 *  `args`: more of fake-services' flags (`--plan-fixture`: more accounts and workloads). */
export async function startFakes(args = []) {
  const proc = spawn(fakesBin, ["--exit-on-stdin-eof", ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const fakes = JSON.parse(await firstLine(proc, "fake-services"));
  return {
    fakes,
    /** What each fake was sent so far. */
    recorded: async () => (await fetch(fakes.requests_url)).json(),
    stop: () => {
      proc.stdin.end();
      proc.kill();
    },
  };
}

/** The environment of an app whose settings, data, HOME and AWS files all live in `dir`, talking
 *  to the fakes' AWS endpoints with the fakes' credentials; `unset` names more variables to drop. */
export function isolatedEnv(dir, fakes, unset = []) {
  for (const d of ["config", "data", "home"]) mkdirSync(`${dir}/${d}`, { recursive: true, mode: 0o700 });
  writeFileSync(`${dir}/aws-config`, `[default]\nregion = ${fakes.region}\n`);
  writeFileSync(`${dir}/aws-credentials`, "");
  const env = { ...process.env };
  for (const v of [
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "CONFORMITY_API_KEY",
    "CONFORMITY_REGION",
    "AWS_CA_BUNDLE",
    ...unset,
  ])
    delete env[v];
  return Object.assign(env, {
    RUST_BACKTRACE: "0",
    WA_SYNC_CONFIG_DIR: `${dir}/config`,
    WA_SYNC_DATA_DIR: `${dir}/data`,
    HOME: `${dir}/home`,
    XDG_DATA_HOME: `${dir}/home/.local/share`,
    XDG_CONFIG_HOME: `${dir}/home/.config`,
    AWS_ENDPOINT_URL_WELLARCHITECTED: fakes.wellarchitected_url,
    AWS_ENDPOINT_URL_STS: fakes.sts_url,
    AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:9",
    AWS_ACCESS_KEY_ID: fakes.access_key_id,
    AWS_SECRET_ACCESS_KEY: "fakeSecretE2E000000000000000000000000000",
    AWS_CONFIG_FILE: `${dir}/aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dir}/aws-credentials`,
    AWS_EC2_METADATA_DISABLED: "true",
    WA_SYNC_RETRY_MODE: "standard",
  });
}

/** A port nothing listens on now, chosen by the kernel. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * tauri-driver in front of WebKitWebDriver, both on free ports: tauri-driver's native port
 * defaults to 4445, so a WebKitWebDriver left over from another run would otherwise stop this one
 * from starting. A driver that exits or stays silent is started again on new ports, twice.
 */
async function startDriver(env) {
  let lastProblem = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [port, nativePort] = [await freePort(), await freePort()];
    const driver = spawn(
      driverBin,
      ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
      { stdio: ["ignore", "inherit", "inherit"], env },
    );
    let exited = null;
    driver.once("exit", (code, signal) => {
      exited = `exited (${code ?? signal})`;
    });
    for (let waited = 0; waited < 30000 && exited === null; waited += 100) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return { driver, port };
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    lastProblem = exited ?? "did not answer on /status within 30 s";
    driver.kill();
    console.error(`# tauri-driver ${lastProblem} (attempt ${attempt} of 3, ports ${port}/${nativePort})`);
  }
  throw new Error(`tauri-driver did not start: ${lastProblem}`);
}

/** tauri-driver and WebKitWebDriver, then a session on the app. */
export async function openApp(env) {
  const { driver, port } = await startDriver(env);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application, args: [] },
    },
  }).catch((e) => {
    driver.kill();
    throw e;
  });
  return {
    browser,
    tid: (id) => byTestId(browser, id),
    close: async () => {
      await browser.deleteSession().catch(() => {});
      driver.kill();
      // WebKit writes its data directory while the app shuts down: wait for the app to be gone,
      // so the test's directory can then be removed for good.
      for (let i = 0; i < 50 && spawnSync("pgrep", ["-f", application]).status === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** Named steps that print `ok - name (seconds)` and count themselves. */
/**
 * The element with `data-testid` `id`, looked up afresh for each command. The UI re-renders from
 * its state, so a lookup can race a re-render: WebKitWebDriver then answers "stale element" for
 * a node that was just replaced. Such a command did nothing, so it is sent again on the new node
 * (a few times, briefly); any other error, or a stale one that persists, is thrown.
 */
function byTestId(browser, id) {
  const selector = `[data-testid="${id}"]`;
  const chained = new Set(["$", "$$"]);
  return new Proxy(
    {},
    {
      get: (_, name) => {
        if (name === "then") return undefined;
        if (chained.has(name)) return (...args) => browser.$(selector)[name](...args);
        return async (...args) => {
          for (let attempt = 1; ; attempt++) {
            try {
              return await browser.$(selector)[name](...args);
            } catch (e) {
              if (attempt >= 5 || !/stale element/i.test(String(e?.message ?? e))) throw e;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          }
        };
      },
    },
  );
}

export function steps() {
  const run = async (name, fn) => {
    const t0 = Date.now();
    await fn();
    run.passed++;
    console.log(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  run.passed = 0;
  return run;
}

/** The files below `root` whose bytes contain `needle` (a secret that must be in none). */
export function filesContaining(root, needle) {
  const hits = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = `${d}/${name}`;
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 50_000_000 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(root);
  return hits;
}

/** Screenshots go to tests/ui/out/, which git ignores. */
export function screenshots(browser, prefix) {
  mkdirSync(`${repo}tests/ui/out`, { recursive: true });
  return (name) => browser.saveScreenshot(`${repo}tests/ui/out/${prefix}${name}.png`);
}
