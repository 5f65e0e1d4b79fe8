// The built UI (ui/dist) in Debian's Chromium through playwright-core, with the Rust side
// replaced by @tauri-apps/api/mocks. The preview answers are real `wa-sync preview --demo --json`
// output (tests/ui/fixtures). Run: npm run build && npm run test:browser
import { chromium } from "playwright-core";
import { readFileSync, existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const fixture = (name) => readFileSync(`${repo}tests/ui/fixtures/${name}`, "utf8");
if (!existsSync(`${repo}ui/dist/index.html`)) throw new Error("build the UI first: npm run build");

const mock = `
import { mockIPC } from "/node_modules/@tauri-apps/api/mocks.js";
const all = ${fixture("preview-demo.json")};
const checkout = ${fixture("preview-demo-checkout.json")};
window.__calls = [];
mockIPC(async (cmd, args) => {
  window.__calls.push([cmd, JSON.parse(JSON.stringify(args ?? {}))]);
  switch (cmd) {
    case "app_info":
      return { version: "0.1.0", lens: "wellarchitected", lens_version: all.lens_version,
               mapping_reviewed: all.mapping_reviewed, start_demo: false,
               demo_account_name: "Demo: online shop (production)", demo_workload_name: "wa-sync demo workload",
               can_push: true };
    case "tag_match_count": {
      const t = args.tags.map((x) => x.toLowerCase());
      if (t.length === 0) return { matching: 4886, total: 7000 };
      if (t.includes("nope")) return { matching: 0, total: 7000 };
      return { matching: 1636, total: 7000 };
    }
    case "preview": {
      const ch = args.onProgress;
      ch.onmessage({ kind: "stage", stage: "fetching-checks" });
      ch.onmessage({ kind: "checks", fetched: 10, total: 20 });
      await new Promise((r) => setTimeout(r, 50));
      if (args.request.filter_tags.includes("boom")) throw { code: "auth", message: "the key was refused" };
      return args.request.filter_tags.length ? checkout : all;
    }
    case "cancel":
      return false;
    case "list_backups":
      return window.__backups ?? [];
    case "push": {
      const opted = new Set(args.request.opted_out);
      const r = structuredClone(all);
      let n = 0;
      for (const q of r.questions) {
        if (q.status !== "would-change" || opted.has(q.question_id)) continue;
        if (q.question_id === "priorities") { q.status = "failed"; q.error = "ThrottlingException: slow down"; }
        else q.status = "written";
        args.onProgress.onmessage({ kind: "written", done: ++n, total: 49, question_id: q.question_id, ok: true });
      }
      r.backup = "/data/backups/wa-sync-backup-x.json";
      window.__backups = [{ path: r.backup, workload_arn: "arn", workload_name: "wa-sync demo workload",
        created_at: "2026-11-26T23:00:00Z", reason: "sync", questions: 57, changed_questions: 48 }];
      return r;
    }
    case "restore_plan":
      return { path: args.path, created_at: "2026-11-26T23:00:00Z", workload_name: "wa-sync demo workload",
        put_back: [{ question_id: "priorities", title: "How do you determine what your priorities are?", notes_now: "new text", notes_restored: "" }] };
    case "restore":
      return { workload_arn: "arn", restored_from: args.path, backup: "/data/backups/b2.json",
        questions: [{ question_id: "priorities", status: "written", error: null }] };
    default:
      throw { code: "internal", message: "unmocked command " + cmd };
  }
});
`;

const { server, url } = await serve({
  root: `${repo}ui/dist`,
  modules: `${repo}node_modules`,
  inject: `<script type="module" src="/__test__/mock.js"></script>`,
  routes: { "/__test__/mock.js": () => ["text/javascript", mock] },
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const problems = [];
let passed = 0;
async function step(name, fn) {
  await fn();
  passed++;
  console.log(`ok - ${name}`);
}
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !m.text().includes("404") && problems.push(`console: ${m.text()}`));
  const tid = (id) => page.locator(`[data-testid="${id}"]`);

  await page.goto(url);
  await step("start screen offers the demo, clearly labelled", async () => {
    await tid("start-screen").waitFor();
    assert.match(await tid("start-screen").innerText(), /DEMO/);
    assert.equal(await tid("demo-badge").isVisible(), false);
  });

  await step("demo preview renders the chart, scores and 57 questions", async () => {
    await tid("try-demo").click();
    await tid("pillar-chart").waitFor();
    assert.equal(await tid("demo-badge").isVisible(), true);
    assert.match(await tid("demo-banner").innerText(), /DEMO DATA/);
    const box = await tid("pillar-chart").boundingBox();
    assert.ok(box && box.width > 200 && box.height > 200, `chart size ${JSON.stringify(box)}`);
    assert.equal(await page.locator('[data-testid^="question-row-"]').count(), 57);
    assert.equal(await tid("checks-fetched").locator(".stat-value").innerText(), "4,886");
    assert.match(await tid("pillar-security").innerText(), /Security\s+\d[\d,]*\s+\d[\d,]*\s+\d+%/);
  });

  await step("uncovered questions need a human answer and are never green", async () => {
    const rows = page.locator('[data-status="not-covered"]');
    assert.equal(await rows.count(), 8);
    const pill = rows.first().locator('[data-testid="status"]');
    assert.match(await pill.innerText(), /needs a human answer/);
    assert.equal(await pill.evaluate((e) => e.className), "pill human");
    await rows.first().click();
    await tid("needs-human").waitFor();
  });

  await step("selecting a question shows current and new notes with a diff", async () => {
    await tid("question-row-priorities").click();
    assert.match(await tid("question-detail").innerText(), /OPS 1/);
    const added = await tid("diff").locator('[data-op="add"]').count();
    assert.ok(added > 3, `added lines ${added}`);
    assert.match(await tid("diff-stats").innerText(), /^\+\d+ −0 lines$/);
    const q = JSON.parse(fixture("preview-demo.json")).questions[0];
    assert.equal((await tid("diff").innerText()).replace(/^\+ /gm, "").trim(), q.notes.trim());
  });

  await step("opting a question out is counted and shown", async () => {
    const before = Number((await tid("total-would-change").locator(".stat-value").innerText()).replace(/,/g, ""));
    await tid("opt-priorities").uncheck();
    await tid("total-opted-out").waitFor();
    const after = Number((await tid("total-would-change").locator(".stat-value").innerText()).replace(/,/g, ""));
    assert.equal(after, before - 1);
    assert.match(await tid("question-row-priorities").innerText(), /left out by you/);
    await tid("opt-priorities").check();
  });

  await step("left-out counts have reasons, unmapped rules are listed", async () => {
    assert.match(await tid("left-out-suppressed").innerText(), /Suppressed\s+99\s+.*suppressed/);
    assert.match(await tid("unmapped-rules").innerText(), /unmapped rules/);
  });

  await step("tag chips: help, validation, live count, filtered preview", async () => {
    assert.match(await tid("tag-help").innerText(), /exactly, ignoring case/);
    await page.waitForFunction(() => /4,886 of 7,000/.test(document.querySelector('[data-testid="tag-match-count"]').textContent));
    await tid("tag-input").fill("App::");
    await tid("tag-add").click();
    assert.match(await tid("tag-error").innerText(), /one side of :: is empty/);
    await tid("tag-input").fill("App::checkout");
    await tid("tag-input").press("Enter");
    await page.waitForFunction(() => /1,636 of 7,000/.test(document.querySelector('[data-testid="tag-match-count"]').textContent));
    assert.equal(await tid("tag-chip").count(), 1);
    await tid("run-preview").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="checks-fetched"] .stat-value')?.textContent === "1,636");
    const calls = await page.evaluate(() => window.__calls.filter((c) => c[0] === "preview"));
    assert.deepEqual(calls.at(-1)[1].request, { run_id: 2, source: { kind: "demo" }, filter_tags: ["App::checkout"], notes_mode: "replace-block" });
    assert.match(calls.at(-1)[1].onProgress, /^__CHANNEL__:\d+$/);
  });

  await step("an error from Rust is shown with its code", async () => {
    await tid("tag-input").fill("boom");
    await tid("tag-add").click();
    await tid("run-preview").click();
    await tid("preview-error").waitFor();
    assert.equal(await tid("preview-error").innerText(), "the key was refused (auth)");
  });

  await step("push: progress, result table with the failed ones and retry, then restore with confirmation", async () => {
    await tid("tag-chip").locator("button").first().click();
    await tid("tag-chip").locator("button").first().click();
    await tid("run-preview").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="checks-fetched"] .stat-value')?.textContent === "4,886");
    assert.equal(await tid("no-backups").isVisible(), true);
    await tid("opt-evolve-ops").uncheck();
    assert.match(await tid("push").innerText(), /Push 48 to the demo workload/);
    await tid("push").click();
    await tid("push-result").waitFor();
    assert.match(await tid("push-written").innerText(), /Written\s+47/);
    assert.match(await tid("push-failed").innerText(), /Failed\s+1/);
    assert.match(await tid("push-result").innerText(), /ThrottlingException/);
    await tid("retry-failed").waitFor();
    const pushCall = await page.evaluate(() => window.__calls.filter((c) => c[0] === "push").at(-1)[1].request);
    assert.deepEqual(pushCall.opted_out, ["evolve-ops"]);
    await tid("backup-0").waitFor();
    await tid("restore-0").click();
    await tid("restore-confirm").waitFor();
    assert.match(await tid("restore-confirm").innerText(), /1 questions get their notes from 2026-11-26T23:00:00Z back/);
    await tid("restore-confirm-yes").click();
    await tid("restore-result").waitFor();
    assert.match(await tid("restore-result").innerText(), /Restored 1 questions/);
  });

  mkdirSync(`${repo}tests/ui/out`, { recursive: true });
  await tid("question-row-priorities").click();
  await page.screenshot({ path: `${repo}tests/ui/out/browser.png`, fullPage: true });
  assert.deepEqual(problems, []);
  console.log(`browser tests: ${passed} passed`);
} catch (e) {
  console.error(problems);
  throw e;
} finally {
  await browser.close();
  server.close();
}
