// End-to-end: the guided setup of the real debug app (target/debug/wa-sync-app), driven through
// WebKitWebDriver by tauri-driver under Xvfb, against the local fakes of Conformity, the
// Well-Architected Tool and STS (the `fake-services` binary of tests/fakes). Walks the wizard
// key -> account -> workload -> role (verify) -> preview -> push, then asks the fakes what they
// were sent.
// Run: make app-debug && cargo build -p wa-sync-fakes --bin fake-services && npm run test:e2e:wizard
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { remote } from "webdriverio";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ?? `${repo}target`;
const application = process.env.WA_SYNC_APP ?? `${targetDir}/debug/wa-sync-app`;
const fakesBin = process.env.WA_SYNC_FAKE_SERVICES ?? `${targetDir}/debug/fake-services`;
if (!existsSync(application)) throw new Error(`no app binary at ${application}: run make app-debug`);
if (!existsSync(fakesBin)) throw new Error(`no ${fakesBin}: run cargo build -p wa-sync-fakes --bin fake-services`);
const driverBin = [`${homedir()}/.cargo/bin/tauri-driver`, "tauri-driver"].find((p) => p === "tauri-driver" || existsSync(p));
const port = 4444 + Math.floor(Math.random() * 1000);

// The fakes: one JSON line with their URLs and fixture, then they serve until stdin closes.
const fakesProc = spawn(fakesBin, ["--exit-on-stdin-eof"], { stdio: ["pipe", "pipe", "inherit"] });
const fakes = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: fakesProc.stdout });
  lines.once("line", (line) => resolve(JSON.parse(line)));
  fakesProc.once("exit", (code) => reject(new Error(`fake-services exited (${code}) before it was ready`)));
  setTimeout(() => reject(new Error("fake-services did not start")), 20000);
});
const recorded = async () => (await fetch(fakes.requests_url)).json();

// Everything the app reads or writes lives in one fresh directory: settings, backups, AWS config
// files and HOME. No real AWS credentials or Conformity key can be reached.
const dir = mkdtempSync(`${tmpdir()}/wa-sync-e2e-wizard-`);
for (const d of ["config", "data", "home"]) mkdirSync(`${dir}/${d}`);
writeFileSync(`${dir}/aws-config`, `[default]\nregion = ${fakes.region}\n`);
writeFileSync(`${dir}/aws-credentials`, "");
const env = { ...process.env };
for (const v of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
  "CONFORMITY_API_KEY", "CONFORMITY_REGION", "AWS_CA_BUNDLE"]) delete env[v];
Object.assign(env, {
  RUST_BACKTRACE: "0",
  WA_SYNC_CONFIG_DIR: `${dir}/config`,
  WA_SYNC_DATA_DIR: `${dir}/data`,
  HOME: `${dir}/home`,
  XDG_DATA_HOME: `${dir}/home/.local/share`,
  XDG_CONFIG_HOME: `${dir}/home/.config`,
  CONFORMITY_API_URL: fakes.conformity_url,
  AWS_ENDPOINT_URL_WELLARCHITECTED: fakes.wellarchitected_url,
  AWS_ENDPOINT_URL_STS: fakes.sts_url,
  AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:9",
  AWS_ACCESS_KEY_ID: fakes.access_key_id,
  AWS_SECRET_ACCESS_KEY: "fakeSecretE2E000000000000000000000000000",
  AWS_CONFIG_FILE: `${dir}/aws-config`,
  AWS_SHARED_CREDENTIALS_FILE: `${dir}/aws-credentials`,
  AWS_EC2_METADATA_DISABLED: "true",
  WA_SYNC_RETRY_MODE: "standard",
  // No session bus: the user's own keychain is never touched; the wizard keeps the key for
  // this session only (and says so).
  DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/no-bus`,
});
const driver = spawn(driverBin, ["--port", String(port), "--native-driver", "/usr/bin/WebKitWebDriver"], {
  stdio: ["ignore", "inherit", "inherit"],
  env,
});
async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("tauri-driver did not start");
}

function filesContaining(root, needle) {
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

let browser;
let passed = 0;
async function step(name, fn) {
  await fn();
  passed++;
  console.log(`ok - ${name}`);
}
try {
  await waitForDriver();
  browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application, args: [] },
    },
  });
  const tid = (id) => browser.$(`[data-testid="${id}"]`);
  const next = async (stepId) => {
    await browser.waitUntil(async () => (await tid("wizard-next").isEnabled()), { timeout: 10000, timeoutMsg: "Next stays disabled" });
    await tid("wizard-next").click();
    await tid(`wizard-${stepId}`).waitForDisplayed({ timeout: 10000 });
  };
  const shot = (name) => browser.saveScreenshot(`${repo}tests/ui/out/e2e-wizard-${name}.png`);
  mkdirSync(`${repo}tests/ui/out`, { recursive: true });

  await step("1. key: the Conformity address comes from CONFORMITY_API_URL; the key is tested and kept", async () => {
    await tid("wizard-conformity").waitForDisplayed({ timeout: 20000 });
    assert.equal(await tid("conformity-url").getValue(), fakes.conformity_url);
    await tid("api-key").setValue(fakes.api_key);
    await tid("conformity-connect").click();
    await tid("conformity-ok").waitForDisplayed({ timeout: 15000 });
    const status = await tid("key-status").getText();
    assert.match(status, new RegExp(`\\u2026${fakes.api_key.slice(-4)}`), status);
    // No session bus here: the key is kept for this session only, and the wizard says so.
    assert.match(status, /session only/, status);
    await tid("keychain-problem").waitForDisplayed();
    assert.ok(!(await browser.getPageSource()).includes(fakes.api_key), "the key is nowhere in the page");
    await shot("1-key");
  });

  await step("2. account: external ID fetched, the AWS account picked", async () => {
    await next("account");
    await browser.waitUntil(async () => (await tid("external-id").getText()) === fakes.external_id, { timeout: 10000 });
    assert.match(await tid("account-list").getText(), new RegExp(`${fakes.account_name.replace(/[()]/g, "\\$&")}\\s*${fakes.aws_account_id}`));
    await tid(`account-${fakes.account_id}`).click();
  });

  await step("3. workload: the default chain lists the workloads of the region", async () => {
    await next("aws");
    await tid("aws-region").clearValue();
    await tid("aws-region").setValue(fakes.region);
    await tid("list-workloads").click();
    await tid("workload-list").waitForDisplayed({ timeout: 15000 });
    assert.match(await tid("aws-identity").getText(), new RegExp(`account ${fakes.aws_account_id}`));
    assert.match(await tid(`workload-row-${fakes.workload_name}`).getText(), /Well-Architected lens.*same AWS account/s);
    await tid(`workload-${fakes.workload_name}`).click();
    await shot("3-workload");
  });

  await step("4. role: the plan names the external ID; the role's ARN is set and verified", async () => {
    await next("role");
    await tid("iam-plan").waitForDisplayed({ timeout: 10000 });
    assert.match(await tid("trust-policy").getText(), new RegExp(`"sts:ExternalId": "${fakes.external_id}"`));
    assert.match(await tid("permissions-policy").getText(), new RegExp(fakes.workload_arn));
    await tid("role-arn").setValue(fakes.role_arn);
    await tid("set-role-arn").click();
    await browser.waitUntil(async () => (await tid("iam-verify").isEnabled()), { timeout: 10000 });
    await tid("iam-verify").click();
    await browser.waitUntil(async () => /The role works/.test(await tid("verify-summary").getText().catch(() => "")), {
      timeout: 30000,
      timeoutMsg: "verify did not pass",
    });
    await shot("4-role");
  });

  let toWrite = 0;
  await step("5. preview of the configured account against the workload", async () => {
    await next("done");
    await tid("setup-summary").waitForDisplayed({ timeout: 10000 });
    await tid("finish-setup").click();
    await tid("configured-banner").waitForDisplayed({ timeout: 10000 });
    await browser.waitUntil(async () => /Push \d+ to \u201c/.test(await tid("push").getText()), { timeout: 30000, timeoutMsg: "no preview" });
    toWrite = Number(/Push (\d+)/.exec(await tid("push").getText())[1]);
    assert.ok(toWrite > 5, `questions to write: ${toWrite}`);
    assert.equal(await tid("checks-fetched").$(".stat-value").getText(), "300");
    await shot("5-preview");
  });

  await step("6. push: a backup, then every changed question written through the role, notes only", async () => {
    const before = (await recorded()).answer_updates.length;
    await tid("push").click();
    await tid("push-result").waitForDisplayed({ timeout: 30000 });
    assert.match(await tid("push-written").getText(), new RegExp(`Written\\s*${toWrite}$`));
    assert.match(await tid("push-failed").getText(), /Failed\s*0$/);
    await tid("backup-0").waitForDisplayed({ timeout: 10000 });
    await shot("6-pushed");

    const seen = await recorded();
    const updates = seen.answer_updates.slice(before);
    assert.equal(updates.length, toWrite);
    const workloadId = fakes.workload_arn.split("/").pop();
    for (const u of updates) {
      assert.equal(u.workload_id, workloadId);
      assert.equal(u.access_key_id, fakes.role_access_key_id, "written with the role's credentials");
      assert.equal(u.sent_choices, false, "best-practice choices are never sent");
      assert.match(u.notes, /^Here are your findings from Trend Micro Cloud One Conformity:\nTotal number of Successes: \d+/);
    }
    const assumed = seen.sts.filter((r) => r.action === "AssumeRole" && r.status === 200);
    assert.ok(assumed.length > 0, "the role was assumed");
    for (const r of assumed) {
      assert.equal(r.role_arn, fakes.role_arn);
      assert.equal(r.external_id, fakes.external_id);
      assert.equal(r.access_key_id, fakes.access_key_id);
    }
    assert.ok(seen.conformity.some((r) => r.path === "/api/checks" && r.status === 200), "checks were read");
    assert.ok(seen.conformity.every((r) => r.status !== 401), "the key was always accepted");
  });

  await step("the key is in no file of the app's directories", async () => {
    assert.deepEqual(filesContaining(dir, fakes.api_key), []);
    const settings = readFileSync(`${dir}/config/settings.json`, "utf8");
    assert.match(settings, new RegExp(fakes.account_id));
  });

  console.log(`e2e wizard tests: ${passed} passed`);
} finally {
  await browser?.deleteSession().catch(() => {});
  driver.kill();
  fakesProc.stdin.end();
  fakesProc.kill();
  rmSync(dir, { recursive: true, force: true });
}
