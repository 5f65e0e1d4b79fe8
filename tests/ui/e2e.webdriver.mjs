// End-to-end: the real debug app binary (target/debug/wa-sync-app) driven through WebKitWebDriver
// by tauri-driver, under Xvfb. Goes through the demo preview and checks that the pillar chart,
// the question list and a note diff render, that a rule expands to its failing resources and its
// link goes to the system browser (a recording xdg-open), then pushes (the result's tiles and a
// written question's notes) and restores.
// Run: make app-debug && npm run test:e2e   (needs `cargo install tauri-driver --locked`)

import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { openApp, requireBinaries, screenshots, steps } from "./support/webdriver.mjs";

requireBinaries();
// The demo workload and its backups go to a fresh directory, never the user's; settings go there
// too (WA_SYNC_CONFIG_DIR), so every run is a first run.
const dataDir = mkdtempSync(`${tmpdir()}/wa-sync-e2e-`);
// tauri-plugin-opener hands a URL to the first of xdg-open, gio, … on the PATH: this xdg-open
// records what it was asked to open instead of starting a browser.
const opened = `${dataDir}/opened.txt`;
mkdirSync(`${dataDir}/bin`);
writeFileSync(`${dataDir}/bin/xdg-open`, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`);
chmodSync(`${dataDir}/bin/xdg-open`, 0o755);
const env = {
  ...process.env,
  PATH: `${dataDir}/bin:${process.env.PATH}`,
  RUST_BACKTRACE: "0",
  WA_SYNC_DATA_DIR: dataDir,
  WA_SYNC_CONFIG_DIR: dataDir,
};

const step = steps();
let app;
try {
  const started = Date.now();
  app = await openApp(env);
  const { browser, tid } = app;

  await step("the first run opens the guided setup, with the demo offered", async () => {
    await tid("try-demo").waitForDisplayed({ timeout: 20000 });
    console.log(`  window ready in ${Date.now() - started} ms (driver, session and app start)`);
    await tid("wizard-conformity").waitForDisplayed({ timeout: 5000 });
    assert.match(await tid("try-demo").getText(), /demo data/);
  });

  await step("demo preview: pillar chart and question list render", async () => {
    await tid("try-demo").click();
    await tid("pillar-chart").waitForDisplayed({ timeout: 20000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="question-row-"]').length) === 57, {
      timeout: 10000,
      timeoutMsg: "57 questions expected",
    });
    const size = await tid("pillar-chart").getSize();
    assert.ok(size.width > 200 && size.height > 200, `chart ${JSON.stringify(size)}`);
    // The chart really drew: some pixels are not blank.
    const inked = await browser.execute(() => {
      const c = document.querySelector('[data-testid="pillar-chart"]');
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 1000, `chart pixels drawn: ${inked}`);
    assert.equal(await tid("checks-fetched").$(".stat-value").getText(), "4,886");
    assert.equal(await browser.$$('[data-status="not-covered"]').length, 8);
    assert.match(await tid("demo-banner").getText(), /DEMO DATA/);
  });

  await step("a question's note diff shows", async () => {
    const cell = await tid("question-row-priorities").$("td:nth-child(2)");
    await cell.scrollIntoView();
    await cell.click();
    await browser.waitUntil(async () => /OPS 1/.test(await tid("question-detail").getText()), { timeout: 5000 });
    const added = await tid("diff").$$('[data-op="add"]').length;
    assert.ok(added > 3, `added lines: ${added}`);
    assert.match(await tid("diff").getText(), /Total number of Failures: \d+/);
  });

  await step("the detail beside the list: best practices, a rule's failing resources, its link", async () => {
    const list = await tid("question-list").getLocation();
    const listSize = await tid("question-list").getSize();
    const detail = await tid("question-detail").getLocation();
    assert.ok(detail.x >= list.x + listSize.width, `detail at ${detail.x}, list ends at ${list.x + listSize.width}`);
    assert.ok((await tid("question-detail").$$('[data-testid="bp-row"]').length) > 0, "best practices shown");
    const rule = await tid("question-detail").$(
      '[data-testid="rule-row"]:has([data-testid="rule-toggle"]:not([disabled]))',
    );
    const ruleId = await rule.getAttribute("data-rule");
    await rule.$('[data-testid="rule-toggle"]').click();
    const resources = await browser.$(`[data-testid="rule-resources"][data-rule="${ruleId}"]`);
    await resources.waitForDisplayed({ timeout: 5000 });
    assert.ok((await resources.$$('[data-testid="resource-row"]').length) > 0, "failing resources listed");
    assert.match(await resources.getText(), /does not meet/);
    const link = await rule.$('[data-testid="kb-link"]');
    const url = await link.getAttribute("data-url");
    assert.match(url, /^https:\/\//);
    await link.click();
    await browser.waitUntil(async () => existsSync(opened) && readFileSync(opened, "utf8").includes(url), {
      timeout: 10000,
      timeoutMsg: `xdg-open was not asked to open ${url}`,
    });
    assert.equal(readFileSync(opened, "utf8"), `${url}\n`);
    await screenshots(browser, "")("e2e-detail");
  });

  await step("up/down move the selection in the list and the detail follows", async () => {
    const cell = await tid("question-row-priorities").$("td:nth-child(2)");
    await cell.scrollIntoView();
    await cell.click();
    await browser.keys("ArrowDown");
    await browser.waitUntil(async () => /^OPS 2 /.test(await tid("question-detail").$("h3").getText()), {
      timeout: 5000,
    });
    assert.equal(await browser.execute(() => document.activeElement?.getAttribute("aria-selected")), "true");
    await browser.keys("k");
    await browser.waitUntil(async () => /^OPS 1 /.test(await tid("question-detail").$("h3").getText()), {
      timeout: 5000,
    });
  });

  await step("tag chips count matching checks and filter the preview (real Rust)", async () => {
    await tid("tag-input").setValue("App::checkout");
    await tid("tag-add").click();
    await browser.waitUntil(
      async () =>
        /^[\d,]+ of [\d,]+ demo checks match$/.test(await tid("tag-match-count").getText()) &&
        !(await tid("tag-match-count").getText()).startsWith("4,886"),
      { timeout: 5000 },
    );
    await tid("run-preview").click();
    await browser.waitUntil(async () => (await tid("checks-fetched").$(".stat-value").getText()) === "1,636", {
      timeout: 10000,
    });
  });

  await step("push to the demo workload, then restore the backup", async () => {
    // Back to all checks, so the reviewer's notes of SEC 1 are in play.
    await tid("tag-chip").$("button").click();
    await tid("run-preview").click();
    await browser.waitUntil(async () => (await tid("checks-fetched").$(".stat-value").getText()) === "4,886", {
      timeout: 10000,
    });
    await tid("opt-evolve-ops").scrollIntoView();
    await tid("opt-evolve-ops").click(); // opt one question out
    const label = await tid("push").getText();
    const toWrite = Number(/Push (\d+)/.exec(label)[1]);
    await tid("push").click();
    await tid("push-result").waitForDisplayed({ timeout: 20000 });
    assert.match(await tid("push-written").getText(), new RegExp(`Written\\s*${toWrite}$`));
    assert.match(await tid("push-failed").getText(), /Failed\s*0$/);
    // The tiles and a written question's detail show what the push did, not the preview before it.
    assert.equal(await tid("total-written").$(".stat-value").getText(), String(toWrite));
    assert.equal(await tid("total-would-change").$(".stat-value").getText(), "0");
    const written = await tid("question-row-priorities").$("td:nth-child(2)");
    await written.scrollIntoView();
    await written.click();
    await browser.waitUntil(async () => /as written/.test(await tid("question-detail").getText()), { timeout: 5000 });
    assert.match(await tid("current-notes").getText(), /Total number of Failures: \d+/);
    await tid("backup-0").waitForDisplayed({ timeout: 5000 });
    assert.equal(await tid("backup-0").$("td:nth-child(2)").getText(), "a push");
    assert.equal(await tid("backup-0").$("td:nth-child(3)").getText(), String(toWrite));
    // A new preview: what was written is now unchanged; the opted-out question still would change.
    await tid("run-preview").click();
    await browser.waitUntil(async () => (await tid("total-unchanged").$(".stat-value").getText()) === String(toWrite), {
      timeout: 10000,
    });
    await tid("restore-0").click();
    await tid("restore-confirm").waitForDisplayed({ timeout: 5000 });
    assert.match(await tid("restore-confirm").getText(), new RegExp(`${toWrite} questions get their notes`));
    await tid("restore-confirm-yes").click();
    await tid("restore-result").waitForDisplayed({ timeout: 10000 });
    assert.match(await tid("restore-result").getText(), new RegExp(`Restored ${toWrite} questions`));
    await browser.waitUntil(async () => (await tid("total-unchanged").$(".stat-value").getText()) === "0", {
      timeout: 10000,
    });
  });

  await screenshots(browser, "")("e2e");
  console.log(`e2e tests: ${step.passed} passed`);
} finally {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
