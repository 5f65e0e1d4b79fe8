// End-to-end: the Workloads screen of the real debug app, driven through WebKitWebDriver by
// tauri-driver under Xvfb, against the local fakes of Conformity, Vision One, the Well-Architected
// Tool and STS (the `fake-services` binary of tests/fakes). First the demo's built-in plan
// (targets, sparklines, chart, Preview all); then a plan made in the UI: two targets (Conformity
// into one workload, Vision One with a tag into another), the plan file written and read back by
// the engine, Preview all, Sync all (a milestone before the writes, the notes in the fake), the
// last sync and the trend, one target's preview, edit and remove; finally the command line runs
// the file the app wrote.
//
// The API keys come from the environment (CONFORMITY_API_KEY, VISIONONE_API_KEY), as on a CI
// machine; no keychain is involved.
// Run: make app-debug && cargo build -p wa-sync-fakes --bin fake-services && cargo build -p wa-sync-cli
//      && npm run test:e2e:workloads

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import {
  application,
  filesContaining,
  isolatedEnv,
  openApp,
  requireBinaries,
  screenshots,
  startFakes,
  steps,
} from "./support/webdriver.mjs";

requireBinaries({ fakes: true });
const cli = `${dirname(application)}/wa-sync`;
if (!existsSync(cli)) throw new Error(`no ${cli}: run cargo build -p wa-sync-cli`);

// The plan fixture: more workloads in the account, so each target writes its own.
const { fakes, recorded, stop: stopFakes } = await startFakes(["--plan-fixture"]);
const secondWorkloadArn = fakes.plan_workload_arns[1];
// Two Conformity accounts of one application: the first target counts them together.
const [shopAccount, shopEuAccount] = fakes.plan_conformity_account_ids;
const dir = mkdtempSync(`${tmpdir()}/wa-sync-e2e-workloads-`);
const env = isolatedEnv(dir, fakes, ["VISIONONE_API_URL", "VISIONONE_REGION", "WA_SYNC_SOURCE"]);
Object.assign(env, {
  CONFORMITY_API_URL: fakes.conformity_url,
  CONFORMITY_API_KEY: fakes.api_key,
  VISIONONE_API_KEY: fakes.visionone_api_key,
});
// A setup that chose Vision One at the fake's address and went no further: the start screen opens.
writeFileSync(
  `${dir}/config/settings.json`,
  JSON.stringify({
    product: "vision-one",
    conformity: null,
    vision_one: { region: null, url: fakes.visionone_url },
    account: null,
    aws: null,
    role: null,
    setup_done: true,
  }),
);
const planFile = `${dir}/data/plan.toml`;
const workloadId = fakes.workload_arn.split("/").pop();
const secondId = secondWorkloadArn.split("/").pop();
const tag = Object.keys(fakes.visionone_tag_counts).find((t) => t.includes("::"));
assert.ok(tag, "the Vision One fixture has a key::value tag");

const step = steps();
let app;
try {
  app = await openApp(env);
  const { browser, tid } = app;
  const shot = screenshots(browser, "e2e-workloads-");
  const textOf = async (id) => ((await tid(id).isExisting()) ? tid(id).getText() : "");
  const waitText = (id, re, timeoutMsg, timeout = 20000) =>
    browser.waitUntil(async () => re.test(await textOf(id).catch(() => "")), {
      timeout,
      timeoutMsg: `${timeoutMsg}: ${id} never matched ${re}`,
    });
  const rows = async () =>
    browser.execute(() =>
      [...document.querySelectorAll('[data-testid^="target-row-"]')].map((r) =>
        r.getAttribute("data-testid").replace("target-row-", ""),
      ),
    );
  const sparklineDrawn = (name) =>
    browser.execute(
      (id) => !!document.querySelector(`[data-testid="target-trend-${id}"] svg polyline`)?.getAttribute("points"),
      name,
    );
  const chartInked = () =>
    browser.execute(() => {
      const c = document.querySelector('[data-testid="target-chart-canvas"]');
      if (!c || c.width === 0) return 0;
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
  const select = async (id, value) => {
    await browser.execute(
      (testid, v) => {
        const el = document.querySelector(`[data-testid="${testid}"]`);
        el.value = v;
        el.dispatchEvent(new Event("change"));
      },
      id,
      value,
    );
  };

  await step("demo: the built-in plan shows three targets with a trend, a chart, and previews them all", async () => {
    await tid("try-demo-workloads").waitForDisplayed({ timeout: 20000 });
    await tid("try-demo-workloads").click();
    await tid("plan-targets").waitForDisplayed({ timeout: 20000 });
    assert.match(await tid("plan-path").getText(), /DEMO PLAN/);
    assert.deepEqual(await rows(), ["shop-checkout", "shop-catalog", "shop-payments"]);
    for (const name of await rows()) {
      assert.ok(await sparklineDrawn(name), `no sparkline for ${name}`);
      assert.match(await tid(`target-last-${name}`).getText(), /UTC \u00b7 done/);
    }
    await tid("target-chart-canvas").waitForDisplayed();
    assert.ok((await chartInked()) > 1000, "the score history chart drew");
    assert.equal(await tid("plan-sync-all").isEnabled(), false, "the demo plan only previews");
    await tid("plan-preview-all").click();
    for (const name of await rows()) {
      await waitText(`target-result-${name}`, /\d+ of \d+ questions would change/, "demo preview");
    }
    await shot("1-demo");
  });

  await step("a fresh plan: its file is shown, not created until a target is saved", async () => {
    await browser.refresh();
    await tid("open-workloads").waitForDisplayed({ timeout: 20000 });
    await tid("open-workloads").click();
    await waitText("plan-path", new RegExp(planFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), "plan path");
    await tid("plan-empty").waitForDisplayed();
    assert.equal(existsSync(planFile), false);
    assert.equal(await tid("plan-milestone").isSelected(), true, "a milestone is on by default for plans");
    assert.equal(await tid("plan-pillar-notes").isSelected(), false, "pillar notes are opt-in");
  });

  await step("add a Conformity target of two accounts with the account and workload pickers", async () => {
    await tid("plan-add-target").click();
    await tid("target-name").waitForDisplayed();
    await tid("target-name").setValue("shop-conformity");
    await select("target-source", "conformity");
    await tid("target-load-accounts").click();
    await tid(`target-account-${shopAccount}`).waitForDisplayed({ timeout: 15000 });
    await tid(`target-account-${shopAccount}`).click();
    await tid(`target-account-${shopEuAccount}`).click();
    await tid("target-region").clearValue();
    await tid("target-region").setValue(fakes.region);
    await tid("target-load-workloads").click();
    await tid("target-workload-select").waitForDisplayed({ timeout: 15000 });
    await select("target-workload-select", fakes.workload_arn);
    assert.equal(await tid("target-workload-arn").getValue(), fakes.workload_arn);
    await shot("2-editor");
    await tid("target-save").click();
    await tid("target-row-shop-conformity").waitForDisplayed({ timeout: 15000 });
    assert.match(await tid("target-last-shop-conformity").getText(), /never synced/);
  });

  await step("a bad target is refused with what to fix, before anything is written", async () => {
    await tid("plan-add-target").click();
    await tid("target-name").waitForDisplayed();
    await tid("target-name").setValue("shop-conformity");
    await tid("target-workload-arn").setValue("arn:aws:wellarchitected:nowhere");
    await tid("target-save").click();
    await tid("target-editor-error").waitForDisplayed();
    const errors = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="target-editor-error"]')].map((e) => e.textContent),
    );
    assert.ok(
      errors.some((e) => /already has a target named/.test(e)),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => /Accounts: pick at least one/.test(e)),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => /Workload: pick one from the list, or paste its ARN/.test(e)),
      errors.join("\n"),
    );
    assert.doesNotMatch(readFileSync(planFile, "utf8"), /nowhere/);
    await tid("target-cancel").click();
  });

  await step("add a Vision One target with a tag, its workload's ARN pasted", async () => {
    await tid("plan-add-target").click();
    await tid("target-name").waitForDisplayed();
    await tid("target-name").setValue("catalog-visionone");
    assert.equal(await tid("target-source").getValue(), "vision-one", "Vision One comes first");
    await tid("target-load-accounts").click();
    await tid(`target-account-${fakes.visionone_account_id}`).waitForDisplayed({ timeout: 15000 });
    await tid(`target-account-${fakes.visionone_account_id}`).click();
    // Vision One matches whole tags only: a bare value is refused with the reason.
    await tid("target-tag-input").setValue("production");
    await tid("target-tag-add").click();
    await waitText("target-editor-error", /whole key::value tag/, "bare tag refused");
    await tid("target-tag-input").clearValue();
    await tid("target-tag-input").setValue(tag);
    await tid("target-tag-add").click();
    await waitText("target-tags", new RegExp(tag), "tag chip");
    await tid("target-workload-arn").setValue(secondWorkloadArn);
    await tid("target-save").click();
    await tid("target-row-catalog-visionone").waitForDisplayed({ timeout: 15000 });
    assert.deepEqual(await rows(), ["shop-conformity", "catalog-visionone"]);
  });

  await step("the plan file holds both targets as the command line reads them", async () => {
    const text = readFileSync(planFile, "utf8");
    assert.match(text, /name = "shop-conformity"/);
    assert.match(text, /source = "conformity"/);
    assert.match(text, new RegExp(`account_ids = \\["${shopAccount}", "${shopEuAccount}"\\]`));
    assert.match(text, /name = "catalog-visionone"/);
    assert.match(text, new RegExp(`filter_tags = \\["${tag}"\\]`));
    assert.match(text, new RegExp(secondWorkloadArn));
    assert.deepEqual(filesContaining(dir, fakes.api_key), [], "no key in any file");
    assert.deepEqual(filesContaining(dir, fakes.visionone_api_key), [], "no key in any file");
  });

  await step("Preview all: each target says what would change; nothing is written", async () => {
    const before = await recorded();
    await tid("plan-preview-all").click();
    await waitText("target-result-shop-conformity", /\d+ of \d+ questions would change/, "preview", 30000);
    await waitText("target-result-catalog-visionone", /\d+ of \d+ questions would change/, "preview", 30000);
    const after = await recorded();
    assert.equal(after.answer_updates.length, before.answer_updates.length, "a preview writes nothing");
  });

  const syncAll = async () => {
    await tid("plan-sync-all").click();
    await waitText("target-result-shop-conformity", /^done: \d+ questions written/, "sync", 60000);
    await waitText("target-result-catalog-visionone", /^done: \d+ questions written/, "sync", 60000);
    // The history is read again after a sync.
    await waitText("target-last-shop-conformity", /UTC \u00b7 done/, "last sync shown");
    await waitText("target-last-catalog-visionone", /UTC \u00b7 done/, "last sync shown");
  };

  await step("Sync all: a milestone, then each target's notes in its own workload", async () => {
    const before = await recorded();
    await syncAll();
    const seen = await recorded();
    const updates = seen.answer_updates.slice(before.answer_updates.length);
    const first = updates.filter((u) => u.workload_id === workloadId);
    const second = updates.filter((u) => u.workload_id === secondId);
    assert.ok(first.length > 0, "the Conformity target's workload was written");
    assert.ok(second.length > 0, "the Vision One target's workload was written");
    const written = Number((await tid("target-result-shop-conformity").getText()).match(/done: (\d+)/)[1]);
    assert.equal(first.length, written, "the result counts the writes the fake received");
    for (const u of updates) {
      assert.match(
        u.notes,
        /^Here are your findings from Trend Micro Cloud One Conformity:\nTotal number of Successes: \d+/,
      );
      assert.equal(u.sent_choices, false);
    }
    // Each workload's milestone was saved before its first write.
    const ops = seen.wellarchitected.slice(before.wellarchitected.length);
    for (const id of [workloadId, secondId]) {
      const mine = ops.filter((r) => r.path.includes(id));
      const milestone = mine.findIndex((r) => r.operation === "CreateMilestone" && r.status === 200);
      const firstWrite = mine.findIndex((r) => r.operation === "UpdateAnswer");
      assert.ok(milestone >= 0, `a milestone of ${id}`);
      assert.ok(milestone < firstWrite, `the milestone of ${id} came before its first write`);
    }
    assert.ok(!ops.some((r) => r.operation === "UpdateLensReview"), "pillar notes are off");
    await shot("3-synced");
  });

  await step("a second sync: the trend line and the per-pillar chart", async () => {
    await syncAll();
    assert.ok(await sparklineDrawn("shop-conformity"), "a sparkline after two syncs");
    assert.ok(await sparklineDrawn("catalog-visionone"), "a sparkline after two syncs");
    // A row is chosen by clicking it (its first cell: WebKitWebDriver does not click a <tr>).
    await browser.$('[data-testid="target-row-catalog-visionone"] td').click();
    await waitText("target-chart-note", /2 syncs/, "chart of the chosen target");
    assert.ok((await chartInked()) > 1000, "the score history chart drew");
    await shot("4-trend");
  });

  await step("one target's preview opens in the preview screen, then back", async () => {
    // Two accounts counted together, as the plan runner counts them.
    await tid("target-preview-shop-conformity").click();
    await waitText("target-banner", new RegExp(`shop-conformity.*${shopAccount}, ${shopEuAccount}`, "s"), "banner");
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="question-row-"]').length) > 0, {
      timeout: 30000,
      timeoutMsg: "the two-account target's preview never showed its questions",
    });
    await tid("back-to-workloads").click();
    await tid("target-preview-catalog-visionone").waitForDisplayed({ timeout: 15000 });
    await tid("target-preview-catalog-visionone").click();
    await waitText("target-banner", /catalog-visionone.*Vision One/s, "target banner");
    await tid("question-list").waitForDisplayed({ timeout: 30000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="question-row-"]').length) > 0, {
      timeout: 30000,
      timeoutMsg: "the target's preview never showed its questions",
    });
    assert.match(await textOf("tag-chips"), new RegExp(tag));
    // The header leads back to the Workloads screen from any other screen.
    assert.equal(await tid("nav-workloads").isDisplayed(), true);
    await tid("back-to-workloads").click();
    await tid("target-row-catalog-visionone").waitForDisplayed({ timeout: 15000 });
  });

  await step("edit a target: renamed, overwrite mode, the file follows", async () => {
    await tid("target-edit-catalog-visionone").click();
    await tid("target-name").waitForDisplayed();
    assert.equal(await tid("target-name").getValue(), "catalog-visionone");
    await tid("target-name").clearValue();
    await tid("target-name").setValue("catalog-v1");
    await select("target-notes-mode", "overwrite");
    await tid("target-save").click();
    await tid("target-row-catalog-v1").waitForDisplayed({ timeout: 15000 });
    assert.deepEqual(await rows(), ["shop-conformity", "catalog-v1"]);
    const text = readFileSync(planFile, "utf8");
    assert.match(text, /name = "catalog-v1"/);
    assert.doesNotMatch(text, /catalog-visionone/);
    assert.match(text, /notes_mode = "overwrite"/);
  });

  await step("remove a target after confirming", async () => {
    await tid("target-remove-shop-conformity").click();
    await tid("target-remove-confirm-shop-conformity").click();
    await browser.waitUntil(async () => (await rows()).length === 1, { timeout: 15000, timeoutMsg: "row not removed" });
    assert.deepEqual(await rows(), ["catalog-v1"]);
    assert.doesNotMatch(readFileSync(planFile, "utf8"), /shop-conformity/);
    await shot("5-edited");
  });

  await step("the command line runs the plan file the app wrote, unchanged", async () => {
    const run = spawnSync(cli, ["preview", "--plan", planFile, "--json"], {
      env: { ...env, VISIONONE_API_URL: fakes.visionone_url },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.targets.map((t) => [t.name, t.exit]),
      [["catalog-v1", 0]],
    );
  });
} finally {
  await app?.close();
  stopFakes();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`# ${step.passed} steps passed`);
