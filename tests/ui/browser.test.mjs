// The built UI (ui/dist) in Debian's Chromium through playwright-core, with the Rust side
// replaced by @tauri-apps/api/mocks. The preview answers are real `wa-sync preview --demo --json`
// output (tests/ui/fixtures). Run: npm run build && npm run test:browser

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const fixture = (name) => readFileSync(`${repo}tests/ui/fixtures/${name}`, "utf8");
if (!existsSync(`${repo}ui/dist/index.html`)) throw new Error("build the UI first: npm run build");

const mock = `
import { mockIPC } from "/node_modules/@tauri-apps/api/mocks.js";
const all = ${fixture("preview-demo.json")};
const checkout = ${fixture("preview-demo-checkout.json")};
// The demo's resources carry no links of their own: give OPS 1's first rule one https link and
// one plain-http link (which must not be offered), more failures than are listed, and its second
// rule a plain-http knowledge-base page.
{
  const [first, second] = all.questions.find((q) => q.question_id === "priorities").rules;
  first.failing_resources[0].link = "https://console.aws.amazon.com/wellarchitected/home#/resource/0";
  first.failing_resources[1].link = "http://insecure.example.com/resource/1";
  first.failing_resources_total = first.failing_resources.length + 50;
  second.knowledge_base_url = "http://insecure.example.com/kb";
}
window.__calls = [];
const wizardMode = location.search.includes("wizard");
const nokeychain = location.search.includes("nokeychain");
// A stateful stand-in for the setup commands (the Rust side is tested against real fakes).
const KEY = "tmc-browser:TheWholeSecretKeyWXYZ";
const setup = {
  settings: { product: "conformity", conformity: null, vision_one: null, account: null, aws: null, role: null, setup_done: !wizardMode && false },
  v1key: { source: "none", saved: false, last_four: null, keychain_problem: null },
  key: { source: "none", saved: false, last_four: null,
         keychain_problem: nokeychain ? "The system keychain is not running or cannot be reached. On Linux, install and start a Secret Service. Alternatively, set the environment variable CONFORMITY_API_KEY before starting the app." : null,
         keychain_details: nokeychain ? "cannot read the key in the OS keychain: Platform secure storage failure: DBus error: no Secret Service" : null },
  verifies: 0,
};
const status = () => ({ settings: structuredClone(setup.settings), key: { ...setup.key },
  regions: { cloud_one: ["us-1", "au-1", "ie-1"], standalone: ["eu-west-1"] }, env_conformity_url: null,
  env_conformity_region: null, default_role_name: "WaSyncWellArchitectedNotes", settings_path: "/home/me/.config/wa-sync/settings.json",
  visionone_key: { ...setup.v1key }, visionone_regions: ["us", "eu", "jp", "sg", "au", "in", "mea", "uk", "usgov"] });
const V1KEY = "eyJvisionOneBrowserSecretKeyQRST";
const v1accounts = [{ id: "5b3f0c1e-crm", name: "Production (Vision One)", aws_account_id: "123456789012", environment: null }];
const WHOLE_TAGS = (bare) => ({ code: "bad_input", message: "tag filter " + JSON.stringify(bare) + " is not a whole key::value tag: Vision One matches whole tags only, so write the key and the value, e.g. Environment::" + bare + " or " + bare + "::production (with Conformity a bare key or value also works)" });
const ARN = "arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef";
const ROLE = "arn:aws:iam::123456789012:role/WaSyncWellArchitectedNotes";
const accounts = [{ id: "acc-shop", name: "Shop (production)", aws_account_id: "123456789012", environment: "prod" },
                  { id: "acc-data", name: "Data lake", aws_account_id: "210987654321", environment: "prod" }];
async function setupCommand(cmd, args) {
  switch (cmd) {
    case "setup_status": return status();
    case "connection_status": {
      const s = setup.settings;
      const part = (ok, detail) => ({ state: ok ? "ok" : "missing", detail });
      return { conformity: part(!!s.account, s.account ? s.account.name : "not set up"),
               workload: part(!!s.aws?.workload_arn, s.aws?.workload_name ?? "no workload"),
               role: part(!!s.role?.verified_at, s.role?.role_arn ?? "no role"),
               can_preview: !!s.account, can_push: !!s.aws?.workload_arn };
    }
    case "conformity_connect": {
      if (args.apiKey && args.apiKey !== KEY) throw { code: "auth", message: "Conformity refused the API key for /organisation/external-id (HTTP 401): the key is wrong, expired, for another region, or its role lacks access. The key was not saved." };
      if (!args.apiKey && setup.key.source === "none") throw { code: "missing_key", message: "no key" };
      setup.settings.conformity = args.endpoint;
      if (args.apiKey) setup.key = { ...setup.key, source: nokeychain ? "session" : "keychain", saved: !nokeychain, last_four: KEY.slice(-4) };
      return { key: { ...setup.key }, base_url: "https://conformity.us-1.cloudone.trendmicro.com/api", external_id: "ext-org-1234", accounts, other_clouds: 1 };
    }
    case "conformity_forget_key":
      setup.key = { ...setup.key, source: "none", saved: false, last_four: null };
      return { ...setup.key };
    case "conformity_external_id": return "ext-org-1234";
    case "choose_product":
      if (setup.settings.product !== args.product) setup.settings.account = null;
      setup.settings.product = args.product;
      return structuredClone(setup.settings);
    case "visionone_connect": {
      if (args.apiKey && args.apiKey !== V1KEY) throw { code: "auth", message: "Vision One refused the API key for /v3.0/healthcheck/connectivity (HTTP 401): the key is wrong, expired, for another region, or its role lacks access. The key was not saved." };
      if (!args.apiKey && setup.v1key.source === "none") throw { code: "missing_key", message: "no Vision One key" };
      setup.settings.product = "vision-one";
      setup.settings.vision_one = args.endpoint;
      if (args.apiKey) setup.v1key = { ...setup.v1key, source: "keychain", saved: true, last_four: V1KEY.slice(-4) };
      return { key: { ...setup.v1key }, base_url: "https://api.eu.xdr.trendmicro.com/", accounts: v1accounts, other_clouds: 2 };
    }
    case "visionone_forget_key":
      setup.v1key = { ...setup.v1key, source: "none", saved: false, last_four: null };
      return { ...setup.v1key };
    case "visionone_accounts": return v1accounts;
    case "set_external_id":
      setup.settings.role = { writer: "app", role_name: "WaSyncWellArchitectedNotes", role_arn: null, verified_at: null, ...(setup.settings.role ?? {}), external_id: args.externalId };
      return structuredClone(setup.settings);
    case "conformity_accounts": return accounts;
    case "choose_account": {
      const list = setup.settings.product === "vision-one" ? v1accounts : accounts;
      setup.settings.account = { id: args.accountId, name: list.find((a) => a.id === args.accountId).name, aws_account_id: list.find((a) => a.id === args.accountId).aws_account_id };
      return structuredClone(setup.settings);
    }
      return structuredClone(setup.settings);
    case "aws_profiles":
      return [{ name: "default", kind: "keys", region: "eu-west-1" }, { name: "dev", kind: "keys", region: "eu-west-1" }, { name: "sso-user", kind: "sso", region: "eu-west-1" }];
    case "aws_workloads":
      if (args.profile === "sso-user") throw { code: "sso_login", message: 'The AWS profile "sso-user" signs in through AWS IAM Identity Center (SSO) and needs a fresh login: run \`aws sso login --profile sso-user\` in a terminal, then press Retry.' };
      return { caller_account: "123456789012", caller_arn: "arn:aws:iam::123456789012:user/me", workloads: [
        { arn: ARN, name: "Shop", account_id: "123456789012", region: "eu-west-1", has_lens: true, account_matches: true },
        { arn: ARN.replace("0123", "9999"), name: "Serverless only", account_id: "123456789012", region: "eu-west-1", has_lens: false, account_matches: true },
        { arn: ARN.replace("123456789012", "210987654321"), name: "Other account", account_id: "210987654321", region: "eu-west-1", has_lens: true, account_matches: false }] };
    case "choose_workload":
      setup.settings.aws = { profile: args.profile, region: args.region, workload_arn: args.workloadArn, workload_name: "Shop" };
      return structuredClone(setup.settings);
    case "iam_plan": {
      if (setup.settings.product === "vision-one") {
        if (args.writer !== "app") throw { code: "bad_input", message: "with Vision One, wa-sync on this computer writes the notes" };
        const ext = setup.settings.role?.external_id ?? null;
        const statement = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" };
        if (ext) statement.Condition = { StringEquals: { "sts:ExternalId": ext } };
        return { writer: "app", role_name: args.roleName, role_arn: ROLE, policy_name: args.roleName + "Policy",
          permissions_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["wellarchitected:UpdateAnswer"], Resource: ARN }] }, null, 2),
          trust_policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }, null, 2),
          external_id: ext, principals: ["arn:aws:iam::123456789012:root"], workload_account: "123456789012", caller_account: "123456789012", warnings: [] };
      }
      const principals = args.writer === "hosted" ? ["arn:aws:iam::717210094962:root"] : args.writer === "both" ? ["arn:aws:iam::123456789012:root", "arn:aws:iam::717210094962:root"] : ["arn:aws:iam::123456789012:root"];
      return { writer: args.writer, role_name: args.roleName, role_arn: ROLE, policy_name: args.roleName + "Policy",
        permissions_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "WaSyncWorkloadNotes", Effect: "Allow", Action: ["wellarchitected:GetWorkload", "wellarchitected:ListLensReviews", "wellarchitected:ListAnswers", "wellarchitected:GetAnswer", "wellarchitected:UpdateAnswer"], Resource: ARN }] }, null, 2),
        trust_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principals.length === 1 ? principals[0] : principals }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext-org-1234" } } }] }, null, 2),
        external_id: "ext-org-1234", principals, workload_account: "123456789012", caller_account: "123456789012", warnings: [] };
    }
    case "iam_create":
      // A role of that name exists that wa-sync did not make: nothing changes until the user confirms.
      if (!args.adopt) return { role_arn: ROLE, policy_arn: "arn:aws:iam::123456789012:policy/WaSyncWellArchitectedNotesPolicy",
        summary: "Nothing was changed", adoption: { foreign: ["role WaSyncWellArchitectedNotes"],
          current_trust_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] }, null, 2),
          new_trust_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }] }, null, 2) } };
      setup.settings.role = { writer: args.writer, role_name: args.roleName, role_arn: ROLE, verified_at: null };
      return { role_arn: ROLE, policy_arn: "arn:aws:iam::123456789012:policy/WaSyncWellArchitectedNotesPolicy", summary: "Policy arn:aws:iam::123456789012:policy/WaSyncWellArchitectedNotesPolicy created; role " + ROLE + " created." };
    // The Rust side opens the folder dialog; the UI sends no path.
    case "iam_export": return { files: ["permissions-policy.json", "trust-policy.json", "setup-iam-role.sh"].map((f) => "/home/me/Documents/" + f) };
    case "set_role_arn":
      setup.settings.role = { writer: args.writer, role_name: "WaSyncWellArchitectedNotes", role_arn: args.roleArn, verified_at: null, external_id: setup.settings.role?.external_id ?? null };
      return structuredClone(setup.settings);
    case "iam_verify": {
      setup.verifies++;
      if (setup.verifies === 1) return { ok: false, role_arn: ROLE, workload_arn: ARN, checks: [
        { check: "trust", ok: true, detail: "sts:AssumeRole succeeded", fix: null },
        { check: "wellarchitected:UpdateAnswer", ok: false, detail: "missing permission wellarchitected:UpdateAnswer on " + ARN + " in the role's policy", fix: "Add wellarchitected:UpdateAnswer on " + ARN + " to the role's permissions policy (WaSyncWellArchitectedNotesPolicy)." }] };
      setup.settings.role.verified_at = "2026-11-27T10:00:00Z";
      return { ok: true, role_arn: ROLE, workload_arn: ARN, checks: [
        { check: "trust", ok: true, detail: "sts:AssumeRole succeeded", fix: null },
        { check: "wellarchitected:UpdateAnswer", ok: true, detail: "ok", fix: null }] };
    }
    case "finish_setup":
      setup.settings.setup_done = true;
      return structuredClone(setup.settings);
  }
  return undefined;
}
mockIPC(async (cmd, args) => {
  window.__calls.push([cmd, JSON.parse(JSON.stringify(args ?? {}))]);
  const answer = await setupCommand(cmd, args ?? {});
  if (answer !== undefined) return answer;
  switch (cmd) {
    case "app_info":
      return { version: "0.1.0", lens: "wellarchitected", lens_version: all.lens_version,
               mapping_reviewed: all.mapping_reviewed, start_demo: false,
               demo_account_name: "Demo: online shop (production)", demo_workload_name: "wa-sync demo workload",
               can_push: true };
    case "tag_match_count": {
      if (args.source.kind === "configured") {
        const bare = args.tags.find((x) => !x.includes("::"));
        if (bare && setup.settings.product === "vision-one") throw WHOLE_TAGS(bare);
        return { matching: args.tags.length ? 42 : 300, total: 300 };
      }
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
      if (setup.settings.product === "vision-one") {
        const bare = args.request.filter_tags.find((x) => !x.includes("::"));
        if (bare) throw WHOLE_TAGS(bare);
      }
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
    case "export_report": {
      // The Rust side opens the save dialog: __savePath is what the user picks there (null: cancel).
      if (window.__savePath === null) return null;
      const path = window.__savePath ?? "/home/me/reports/board.html";
      if (path.includes("readonly")) throw { code: "io", message: "cannot create a temporary file for " + path + ": Permission denied" };
      const warnings = args.request.format === "pdf" ? ["No installed font has the character U+10FFFD; it prints as ?."] : [];
      return { path, bytes: 123456, warnings };
    }
    case "retry_failed": {
      const r = structuredClone(all);
      for (const q of r.questions) if (q.status === "would-change") q.status = q.question_id === "evolve-ops" ? "would-change" : "written";
      args.onProgress.onmessage({ kind: "written", done: 1, total: 1, question_id: "priorities", ok: true });
      r.backup = "/data/backups/wa-sync-backup-y.json";
      return r;
    }
    case "restore_plan":
      return { path: args.path, created_at: "2026-11-26T23:00:00Z", workload_name: "wa-sync demo workload",
        put_back: [{ question_id: "priorities", title: "How do you determine what your priorities are?", notes_now: "new text", notes_restored: "" }], kept: [] };
    case "restore":
      return { workload_arn: "arn", restored_from: args.path, backup: "/data/backups/b2.json",
        questions: [{ question_id: "priorities", status: "written", error: null }] };
    // tauri-plugin-opener's command: the system browser, in the app.
    case "plugin:opener|open_url":
      return null;
    default:
      throw { code: "internal", message: "unmocked command " + cmd };
  }
});
`;

const { server, url } = await serve({
  root: `${repo}ui/dist`,
  modules: `${repo}node_modules`,
  // As in the app (tauri.conf.json's freezePrototype), Object.prototype is frozen before any of
  // the UI's code runs, so code that assigns over its names fails here as it would there.
  inject: `<script>Object.freeze(Object.prototype);</script>\n<script type="module" src="/__test__/mock.js"></script>`,
  routes: { "/__test__/mock.js": () => ["text/javascript", mock] },
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
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
  await step("the first run opens the setup, which offers the demo", async () => {
    await tid("wizard-conformity").waitFor();
    assert.match(await tid("try-demo").innerText(), /demo data/);
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

  await step("master-detail: the selected question beside the list, with best practices and rules", async () => {
    const list = await tid("question-list").boundingBox();
    const detail = await tid("question-detail").boundingBox();
    assert.ok(detail.x >= list.x + list.width, `detail ${JSON.stringify(detail)} beside list ${JSON.stringify(list)}`);
    assert.ok(Math.abs(detail.y - list.y) < 2, "list and detail start at the same height");
    assert.ok(detail.height <= 900 && list.height <= 900, "both fit in the window and scroll on their own");
    const q = JSON.parse(fixture("preview-demo.json")).questions.find((x) => x.question_id === "priorities");
    const bps = tid("question-detail").locator('[data-testid="bp-row"]');
    assert.equal(await bps.count(), q.best_practices.length);
    const labels = { failing: "failing", passing: "all passing", "no-evidence": "no evidence" };
    for (const [i, bp] of q.best_practices.entries()) {
      assert.equal(await bps.nth(i).getAttribute("data-status"), bp.status);
      assert.equal(await bps.nth(i).locator('[data-testid="bp-status"]').innerText(), labels[bp.status]);
      assert.match(await bps.nth(i).innerText(), new RegExp(bp.id));
    }
    assert.ok(
      q.best_practices.some((bp) => bp.status === "failing"),
      "the fixture has a failing best practice",
    );
    const rules = tid("question-detail").locator('[data-testid="rule-row"]');
    assert.equal(await rules.count(), q.rules.length);
    assert.equal(await rules.first().getAttribute("data-rule"), q.rules[0].rule_id);
    assert.match(await rules.first().innerText(), new RegExp(`${q.rules[0].title}[\\s\\S]*Extreme`));
    assert.equal(await tid("rule-resources").count(), 0, "resources stay folded until asked for");
  });

  await step("a rule expands to its failing resources; only https links are offered and opened", async () => {
    const q = JSON.parse(fixture("preview-demo.json")).questions.find((x) => x.question_id === "priorities");
    const [first, second] = q.rules;
    const row = page.locator(`[data-testid="rule-row"][data-rule="${first.rule_id}"]`);
    const toggle = row.locator('[data-testid="rule-toggle"]');
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    const resources = page.locator(`[data-testid="rule-resources"][data-rule="${first.rule_id}"]`);
    assert.equal(await resources.locator('[data-testid="resource-row"]').count(), first.failing_resources.length);
    const text = await resources.innerText();
    assert.match(text, new RegExp(first.failing_resources[0].resource));
    assert.match(text, new RegExp(first.failing_resources[0].region));
    assert.match(text, /does not meet/);
    assert.equal(
      await resources.locator('[data-testid="resources-more"]').innerText(),
      `50 more (the riskiest ${first.failing_resources.length} of ${first.failing_resources.length + 50} are shown)`,
    );
    // One https link of two: the http one is not offered.
    const links = resources.locator('[data-testid="resource-link"]');
    assert.equal(await links.count(), 1);
    assert.equal(
      await links.getAttribute("data-url"),
      "https://console.aws.amazon.com/wellarchitected/home#/resource/0",
    );
    assert.equal(await page.locator("a[target], a[href]").count(), 0, "no link navigates the webview");
    const kb = page.locator(`[data-testid="rule-row"][data-rule="${second.rule_id}"] [data-testid="kb-link"]`);
    assert.equal(await kb.count(), 0, "a plain-http knowledge-base page is not offered");
    assert.equal(await row.locator('[data-testid="kb-link"]').getAttribute("data-url"), first.knowledge_base_url);
    mkdirSync(`${repo}tests/ui/out`, { recursive: true });
    await tid("question-detail").screenshot({ path: `${repo}tests/ui/out/browser-detail-resources.png` });
    await links.click();
    const opened = await page.evaluate(() => window.__calls.filter(([c]) => c === "plugin:opener|open_url"));
    assert.deepEqual(
      opened.map(([, a]) => a.url),
      ["https://console.aws.amazon.com/wellarchitected/home#/resource/0"],
    );
    // Folding it again hides them.
    await toggle.click();
    assert.equal(await resources.count(), 0);
  });

  await step("keyboard: up/down and j/k move the selection, with focus; the detail follows", async () => {
    await tid("question-row-priorities").click();
    const heading = () => tid("question-detail").locator("h3").innerText();
    const selected = () => page.locator('tr.qrow[aria-selected="true"]');
    await page.keyboard.press("ArrowDown");
    assert.match(await heading(), /^OPS 2 /);
    assert.equal(await selected().count(), 1);
    assert.equal(await selected().getAttribute("data-testid"), "question-row-ops-model");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "question-row-ops-model");
    assert.equal(await selected().getAttribute("tabindex"), "0");
    await page.keyboard.press("j");
    assert.match(await heading(), /^OPS 3 /);
    await page.keyboard.press("k");
    await page.keyboard.press("ArrowUp");
    assert.match(await heading(), /^OPS 1 /);
    assert.equal(await page.locator('tr.qrow[tabindex="0"]').count(), 1, "one tab stop in the list");
    // At the top of the list, up stays there.
    await page.keyboard.press("ArrowUp");
    assert.match(await heading(), /^OPS 1 /);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "question-row-priorities");
    mkdirSync(`${repo}tests/ui/out`, { recursive: true });
    await page.screenshot({ path: `${repo}tests/ui/out/browser-detail.png` });
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
    await page.waitForFunction(() =>
      /4,886 of 7,000/.test(document.querySelector('[data-testid="tag-match-count"]').textContent),
    );
    await tid("tag-input").fill("App::");
    await tid("tag-add").click();
    assert.match(await tid("tag-error").innerText(), /one side of :: is empty/);
    await tid("tag-input").fill("App::checkout");
    await tid("tag-input").press("Enter");
    await page.waitForFunction(() =>
      /1,636 of 7,000/.test(document.querySelector('[data-testid="tag-match-count"]').textContent),
    );
    assert.equal(await tid("tag-chip").count(), 1);
    // The preview on screen no longer matches the chips: Push waits for a new preview.
    assert.match(await tid("preview-stale").innerText(), /tags changed since this preview/);
    assert.equal(await tid("push").isDisabled(), true);
    assert.equal(await tid("push").innerText(), "Push", "no count from a preview of other tags");
    await tid("run-preview").click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="checks-fetched"] .stat-value')?.textContent === "1,636",
    );
    assert.equal(await tid("preview-stale").count(), 0);
    assert.equal(await tid("push").isDisabled(), false);
    const calls = await page.evaluate(() => window.__calls.filter((c) => c[0] === "preview"));
    assert.deepEqual(calls.at(-1)[1].request, {
      run_id: 2,
      source: { kind: "demo" },
      filter_tags: ["App::checkout"],
      notes_mode: "replace-block",
    });
    assert.match(calls.at(-1)[1].onProgress, /^__CHANNEL__:\d+$/);
  });

  await step("an error from Rust is shown with its code", async () => {
    await tid("tag-input").fill("boom");
    await tid("tag-add").click();
    await tid("run-preview").click();
    await tid("preview-error").waitFor();
    assert.equal(await tid("preview-error").innerText(), "the key was refused (auth)");
  });

  await step("export the preview: format menu, native save dialog, the Rust side writes it", async () => {
    await tid("export-preview").waitFor();
    assert.equal(await tid("export-format-preview").inputValue(), "html");
    assert.deepEqual(await tid("export-format-preview").locator("option").allInnerTexts(), [
      "JSON",
      "CSV",
      "Markdown",
      "HTML",
      "PDF",
    ]);
    await tid("export-format-preview").selectOption("pdf");
    await page.evaluate(() => {
      window.__savePath = "/home/me/reports/board.pdf";
    });
    await tid("export-report-preview").click();
    await tid("export-done-preview").waitFor();
    assert.match(
      await tid("export-done-preview").innerText(),
      /Saved the PDF report \(123,456 bytes\) to \/home\/me\/reports\/board\.pdf\. No installed font has the character U\+10FFFD/,
    );
    const call = await page.evaluate(() => window.__calls.filter((c) => c[0] === "export_report").at(-1)[1]);
    // Only the format, a suggested file name and which report: no path, no report content crosses
    // the bridge, and the UI opens no dialog itself.
    assert.match(call.request.file_name, /^wa-sync-preview-\d{4}-\d\d-\d\d\.pdf$/);
    assert.deepEqual(call, { request: { format: "pdf", file_name: call.request.file_name, of: "preview" } });
    assert.equal(await page.evaluate(() => window.__calls.some((c) => c[0].startsWith("plugin:dialog"))), false);
    // Cancelling the dialog shows nothing new; a failure is shown with its code.
    await page.evaluate(() => {
      window.__savePath = null;
    });
    const before = await page.evaluate(() => window.__calls.filter((c) => c[0] === "export_report").length);
    await tid("export-report-preview").click();
    await page.waitForFunction((n) => window.__calls.filter((c) => c[0] === "export_report").length === n + 1, before);
    await page.waitForFunction(() => !document.querySelector('[data-testid="export-report-preview"]')?.disabled);
    assert.equal(await tid("export-done-preview").count(), 0);
    await page.evaluate(() => {
      window.__savePath = "/readonly/board.pdf";
    });
    await tid("export-report-preview").click();
    await page.waitForFunction(() =>
      /Permission denied \(io\)/.test(document.querySelector('[data-testid="export-done-preview"]')?.textContent ?? ""),
    );
    await page.evaluate(() => {
      delete window.__savePath;
    });
  });

  await step(
    "push: progress, result table with the failed ones and retry, then restore with confirmation",
    async () => {
      await tid("tag-chip").locator("button").first().click();
      await tid("tag-chip").locator("button").first().click();
      await tid("run-preview").click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="checks-fetched"] .stat-value')?.textContent === "4,886",
      );
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
      // The result screen exports the result.
      assert.equal(await tid("export-preview").count(), 0);
      await tid("export-format-result").selectOption("csv");
      await tid("export-report-result").click();
      await tid("export-done-result").waitFor();
      const exportCall = await page.evaluate(() => window.__calls.filter((c) => c[0] === "export_report").at(-1)[1]);
      assert.deepEqual(exportCall.request.of, "result");
      assert.equal(exportCall.request.format, "csv");
      assert.match(exportCall.request.file_name, /^wa-sync-push-result-.*\.csv$/);
      mkdirSync(`${repo}tests/ui/out`, { recursive: true });
      await tid("push-result").screenshot({ path: `${repo}tests/ui/out/push-result-retry.png` });
      // Retry the failed: its own command, only a run ID (the Rust side knows what failed).
      assert.match(await tid("retry-failed").innerText(), /Retry the 1 failed/);
      await tid("retry-failed").click();
      await page.waitForFunction(() =>
        /Failed\s+0/.test(document.querySelector('[data-testid="push-failed"]')?.innerText ?? ""),
      );
      const retryCall = await page.evaluate(() => window.__calls.filter((c) => c[0] === "retry_failed").at(-1)[1]);
      assert.deepEqual(Object.keys(retryCall).sort(), ["onProgress", "runId"]);
      assert.match(await tid("push-written").innerText(), /Written\s+48/);
      assert.equal(await tid("retry-failed").count(), 0);
      // The tiles and the detail say what the push did, not what a preview would do.
      assert.equal(await tid("total-written").locator(".stat-value").innerText(), "48");
      assert.equal(await tid("total-would-change").locator(".stat-value").innerText(), "0");
      await tid("question-row-priorities").click();
      await page.waitForFunction(() =>
        /as written/.test(document.querySelector('[data-testid="question-detail"]')?.textContent ?? ""),
      );
      const written = JSON.parse(fixture("preview-demo.json")).questions.find((q) => q.question_id === "priorities");
      assert.equal((await tid("current-notes").innerText()).trim(), written.notes.trim());
      assert.match(await tid("push-backup").innerText(), /wa-sync-backup-y\.json/);
      await tid("backup-0").waitFor();
      assert.deepEqual(await tid("backup-list").locator("th").allInnerTexts(), ["Taken", "Before", "Questions", ""]);
      assert.match(await tid("backup-0").innerText(), /a push\s+48/);
      await tid("restore-0").click();
      await tid("restore-confirm").waitFor();
      assert.match(
        await tid("restore-confirm").innerText(),
        /1 question gets its notes from 2026-11-26T23:00:00Z back/,
      );
      await tid("restore-confirm-yes").click();
      await tid("restore-result").waitFor();
      assert.match(await tid("restore-result").innerText(), /Restored 1 question\./);
    },
  );

  await step("before any setup, the connection page offers to set up, not to run the setup again", async () => {
    await tid("connection-badge").click();
    await tid("settings-screen").waitFor();
    assert.match(await tid("first-run").innerText(), /not set up yet/);
    assert.equal(await tid("first-setup").innerText(), "Set up");
    assert.equal(await tid("rerun-setup").count(), 0);
    assert.equal(await tid("connection-parts").count(), 0);
    await tid("settings-demo").click();
    await tid("pillar-chart").waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="checks-fetched"] .stat-value')?.textContent === "4,886",
    );
  });

  mkdirSync(`${repo}tests/ui/out`, { recursive: true });
  await tid("question-row-priorities").click();
  await page.screenshot({ path: `${repo}tests/ui/out/browser.png`, fullPage: true });

  // ---------- the guided setup, step by step ----------
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url.replace(/\/$/, "") });
  const wp = await ctx.newPage();
  wp.on("pageerror", (e) => problems.push(`wizard page error: ${e.message}`));
  const wt = (id) => wp.locator(`[data-testid="${id}"]`);
  const shot = (name) => wp.screenshot({ path: `${repo}tests/ui/out/wizard-${name}.png`, fullPage: true });
  const KEY = "tmc-browser:TheWholeSecretKeyWXYZ";
  await wp.goto(`${url}?wizard`);

  await step(
    "wizard 1: a wrong key is refused and not kept; the right one is saved, only its last four shown",
    async () => {
      await wt("wizard-conformity").waitFor();
      assert.equal(await wt("key-status").innerText(), "Not saved.");
      assert.equal(await wt("connection-badge").innerText(), "Not set up");
      await wt("conformity-region").selectOption("ie-1");
      await wt("api-key").fill("tmc-browser:wrong");
      await wt("conformity-connect").click();
      await wt("wizard-error").waitFor();
      assert.match(await wt("wizard-error").innerText(), /refused the API key.*not saved\. \(auth\)$/s);
      assert.equal(await wt("api-key").inputValue(), "", "the field is cleared after sending");
      await shot("1-conformity-error");
      await wt("api-key").fill(KEY);
      await wt("api-key").press("Enter");
      await wt("conformity-ok").waitFor();
      // Accounts of other clouds are counted aside, as with Vision One.
      assert.match(await wt("conformity-ok").innerText(), /AWS accounts? \(1 of other clouds left out\)\.$/);
      assert.equal(await wt("key-status").innerText(), "Saved in the OS keychain (ends in \u2026WXYZ).");
      const connect = await wp.evaluate(() => window.__calls.filter((c) => c[0] === "conformity_connect").at(-1)[1]);
      assert.deepEqual(connect.endpoint, { region: "ie-1", url: null });
      assert.ok(!(await wp.content()).includes(KEY), "the key is nowhere in the page");
      await wt("replace-key").waitFor();
      await wt("forget-key").waitFor();
      await shot("1-conformity");
    },
  );

  await step("wizard 2: external ID with a copy button; AWS accounts to pick from", async () => {
    await wt("wizard-next").click();
    await wt("wizard-account").waitFor();
    await wp.waitForFunction(
      () => document.querySelector('[data-testid="external-id"]')?.textContent === "ext-org-1234",
    );
    await wt("copy-external-id").click();
    await wp.waitForFunction(
      () => document.querySelector('[data-testid="copy-external-id"]')?.textContent === "Copied",
    );
    assert.equal(await wp.evaluate(() => navigator.clipboard.readText()), "ext-org-1234");
    assert.match(await wt("account-list").innerText(), /Shop \(production\)\s+123456789012/);
    assert.equal(await wt("wizard-next").isDisabled(), true);
    await wt("account-acc-shop").check();
    await wp.waitForFunction(() => !document.querySelector('[data-testid="wizard-next"]')?.disabled);
    await shot("2-account");
  });

  await step("wizard 3: profiles, an SSO login message, workloads with lens and account flags", async () => {
    await wt("wizard-next").click();
    await wt("wizard-aws").waitFor();
    await wp.waitForFunction(() => document.querySelectorAll('[data-testid="aws-profile"] option').length === 4);
    await wt("aws-profile").selectOption("sso-user");
    assert.match(await wt("sso-note").innerText(), /aws sso login --profile sso-user/);
    await wt("list-workloads").click();
    await wt("wizard-error").waitFor();
    assert.match(await wt("wizard-error").innerText(), /aws sso login --profile sso-user.*\(sso_login\)/s);
    await wt("aws-profile").selectOption("dev");
    await wt("list-workloads").click();
    await wt("workload-list").waitFor();
    assert.match(await wt("aws-identity").innerText(), /account 123456789012/);
    assert.match(await wt("workload-row-Serverless only").innerText(), /no Well-Architected lens/);
    assert.equal(await wt("workload-Serverless only").isDisabled(), true);
    assert.match(await wt("workload-row-Other account").innerText(), /not the Conformity account's/);
    assert.match(await wt("workload-row-Shop").innerText(), /Well-Architected lens.*same AWS account/s);
    await wt("workload-Shop").check();
    await wp.waitForFunction(() => !document.querySelector('[data-testid="wizard-next"]')?.disabled);
    const chosen = await wp.evaluate(() => window.__calls.filter((c) => c[0] === "choose_workload").at(-1)[1]);
    assert.equal(chosen.profile, "dev");
    assert.equal(chosen.region, "eu-west-1");
    await shot("3-aws");
  });

  await step(
    "wizard 4: the writer changes the trust policy; create, a failed verify with its fix, then a passing one",
    async () => {
      await wt("wizard-next").click();
      await wt("iam-plan").waitFor();
      assert.match(await wt("trust-policy").innerText(), /"sts:ExternalId": "ext-org-1234"/);
      assert.match(await wt("permissions-policy").innerText(), /wellarchitected:UpdateAnswer/);
      await wt("writer-both").check();
      await wp.waitForFunction(() =>
        /717210094962/.test(document.querySelector('[data-testid="trust-policy"]')?.textContent ?? ""),
      );
      assert.equal(await wt("export-dir").count(), 0, "the folder is chosen in the dialog the Rust side opens");
      await wt("iam-export").click();
      await wt("iam-exported").waitFor();
      assert.match(await wt("iam-exported").innerText(), /setup-iam-role\.sh/);
      assert.deepEqual(await wp.evaluate(() => window.__calls.filter((c) => c[0] === "iam_export").at(-1)[1]), {
        writer: "both",
        roleName: "WaSyncWellArchitectedNotes",
      });
      // A role of that name that wa-sync did not make: its trust now beside the new one, and
      // nothing changes until the user confirms.
      await wt("iam-create").click();
      await wt("iam-adopt").waitFor();
      assert.match(
        await wt("adopt-what").innerText(),
        /role WaSyncWellArchitectedNotes already exists and was not made by wa-sync/,
      );
      assert.match(await wt("adopt-current-trust").innerText(), /999999999999/);
      assert.match(await wt("adopt-new-trust").innerText(), /123456789012/);
      assert.equal(await wt("iam-created").count(), 0);
      await wt("adopt-confirm").click();
      await wt("iam-created").waitFor();
      assert.equal(await wt("iam-adopt").count(), 0);
      assert.equal(await wp.evaluate(() => window.__calls.filter((c) => c[0] === "iam_create").at(-1)[1].adopt), true);
      assert.match(
        await wt("iam-created").innerText(),
        /role arn:aws:iam::123456789012:role\/WaSyncWellArchitectedNotes created/,
      );
      await wt("iam-verify").click();
      await wt("verify-result").waitFor();
      assert.match(await wt("verify-summary").innerText(), /does not work yet/);
      assert.match(
        await wt("verify-wellarchitected:UpdateAnswer").innerText(),
        /missing.*Add wellarchitected:UpdateAnswer/s,
      );
      await shot("4-role-failed-verify");
      await wt("iam-verify").click();
      await wp.waitForFunction(() =>
        /The role works/.test(document.querySelector('[data-testid="verify-summary"]')?.textContent ?? ""),
      );
      await shot("4-role");
    },
  );

  await step("wizard 5: summary, then the preview of the configured account, pushing to the workload", async () => {
    await wt("wizard-next").click();
    await wt("setup-summary").waitFor();
    assert.match(await wt("summary-key").innerText(), /keychain.*WXYZ/);
    assert.match(await wt("summary-role").innerText(), /verified 2026-11-27/);
    await shot("5-done");
    await wt("finish-setup").click();
    await wt("configured-banner").waitFor();
    assert.match(
      await wt("configured-banner").innerText(),
      /Shop \(production\).*workload \u201cShop\u201d \(eu-west-1\)/s,
    );
    await wp.waitForFunction(() =>
      /Push \d+ to \u201cShop\u201d/.test(document.querySelector('[data-testid="push"]')?.textContent ?? ""),
    );
    const preview = await wp.evaluate(() => window.__calls.filter((c) => c[0] === "preview").at(-1)[1].request);
    assert.deepEqual(preview.source, { kind: "configured" });
    // The configured Conformity account's count comes from Conformity, before the preview.
    await wp.waitForFunction(() =>
      /300 of 300 checks in Conformity match/.test(
        document.querySelector('[data-testid="tag-match-count"]')?.textContent ?? "",
      ),
    );
    const count = await wp.evaluate(() => window.__calls.filter((c) => c[0] === "tag_match_count").at(-1)[1]);
    assert.deepEqual(count, { tags: [], source: { kind: "configured" } });
    assert.equal(await wt("reset-demo").count(), 0);
    await wp.waitForFunction(
      () => document.querySelector('[data-testid="connection-badge"]')?.textContent === "Connected",
    );
  });

  await step("settings: the badge opens the connection; the setup runs again; forget is one click", async () => {
    await wt("connection-badge").click();
    await wt("settings-screen").waitFor();
    assert.match(await wt("conn-conformity").innerText(), /works/);
    await shot("6-settings");
    await wt("rerun-setup").click();
    await wt("wizard-conformity").waitFor();
    await wt("forget-key").click();
    await wp.waitForFunction(() => document.querySelector('[data-testid="key-status"]')?.textContent === "Not saved.");
    await wt("api-key").waitFor();
    const afterFirst = await wp.evaluate(
      () => window.__calls.slice(1).filter((c) => JSON.stringify(c).includes("TheWholeSecretKey")).length,
    );
    assert.equal(afterFirst, 1, "the key crossed the bridge exactly once, into conformity_connect");
  });

  await step("without a keychain the wizard says so and explains CONFORMITY_API_KEY", async () => {
    const np = await ctx.newPage();
    await np.goto(`${url}?wizard&nokeychain`);
    await np.locator('[data-testid="keychain-problem"]').waitFor();
    // Plain words first; the library's text only behind the "Details" toggle.
    const problem = np.locator('[data-testid="keychain-problem"]');
    assert.match(await problem.innerText(), /system keychain is not running.*CONFORMITY_API_KEY/s);
    assert.equal(await np.locator('[data-testid="keychain-details"] p').isVisible(), false);
    await np.locator('[data-testid="keychain-details"] summary').click();
    assert.match(await np.locator('[data-testid="keychain-details"] p').innerText(), /DBus error/);
    await np.screenshot({ path: `${repo}tests/ui/out/wizard-1-no-keychain.png`, fullPage: true });
    await np.close();
  });

  // ---------- the guided setup for Vision One ----------
  const vp = await ctx.newPage();
  vp.on("pageerror", (e) => problems.push(`vision one page error: ${e.message}`));
  const vt = (id) => vp.locator(`[data-testid="${id}"]`);
  const vshot = (name) => vp.screenshot({ path: `${repo}tests/ui/out/wizard-v1-${name}.png`, fullPage: true });
  const V1KEY = "eyJvisionOneBrowserSecretKeyQRST";
  await vp.goto(`${url}?wizard`);

  await step("vision one 0: the setup first asks which product the user has", async () => {
    await vt("wizard-conformity").waitFor();
    await vt("product-choice").waitFor();
    // Vision One is listed first; this saved setup chose Conformity, so Conformity stays chosen.
    assert.match(await vt("product-choice").innerText(), /Trend Vision One Cloud Posture.*Cloud One Conformity/s);
    assert.equal(await vt("product-conformity").isChecked(), true);
    await vshot("0-product");
    await vt("product-vision-one").check();
    await vt("visionone-region").waitFor();
    const call = await vp.evaluate(() => window.__calls.filter((c) => c[0] === "choose_product").at(-1)[1]);
    assert.deepEqual(call, { product: "vision-one" });
    assert.equal(await vt("conformity-region").count(), 0);
    assert.match(await vt("wizard-step-conformity").innerText(), /1\. Vision One/);
  });

  await step(
    "vision one 1: regions or a custom URL, the beta note, a wrong key refused, the right one saved",
    async () => {
      assert.deepEqual(
        await vt("visionone-region")
          .locator("option")
          .evaluateAll((os) => os.map((o) => o.value)),
        ["us", "eu", "jp", "sg", "au", "in", "mea", "uk", "usgov", "__url"],
      );
      assert.match(await vt("visionone-beta").innerText(), /Trend marks .* as beta/);
      await vt("visionone-region").selectOption("__url");
      await vt("visionone-url").waitFor();
      await vt("visionone-region").selectOption("eu");
      assert.equal(await vt("visionone-url").count(), 0);
      assert.equal(await vt("visionone-key-status").innerText(), "Not saved.");
      await vt("visionone-api-key").fill("eyJwrong");
      await vt("visionone-connect").click();
      await vt("wizard-error").waitFor();
      assert.match(await vt("wizard-error").innerText(), /refused the API key.*not saved\. \(auth\)$/s);
      assert.equal(await vt("visionone-api-key").inputValue(), "");
      await vt("visionone-api-key").fill(V1KEY);
      await vt("visionone-api-key").press("Enter");
      await vt("visionone-ok").waitFor();
      assert.match(await vt("visionone-ok").innerText(), /1 AWS account \(2 of other clouds left out\)/);
      assert.equal(await vt("visionone-key-status").innerText(), "Saved in the OS keychain (ends in \u2026QRST).");
      const connect = await vp.evaluate(() => window.__calls.filter((c) => c[0] === "visionone_connect").at(-1)[1]);
      assert.deepEqual(connect.endpoint, { region: "eu", url: null });
      assert.ok(!(await vp.content()).includes(V1KEY), "the key is nowhere in the page");
      await vt("visionone-forget-key").waitFor();
      await vshot("1-connect");
    },
  );

  await step("vision one 2: the account picker, without Conformity's external ID", async () => {
    await vt("wizard-next").click();
    await vt("wizard-account").waitFor();
    await vt("account-list").waitFor();
    assert.equal(await vt("external-id").count(), 0);
    assert.match(await vt("account-list").innerText(), /Production \(Vision One\)\s+123456789012/);
    await vt("account-5b3f0c1e-crm").check();
    await vp.waitForFunction(() => !document.querySelector('[data-testid="wizard-next"]')?.disabled);
    const calls = await vp.evaluate(() => window.__calls.map((c) => c[0]));
    assert.ok(!calls.includes("conformity_external_id") && !calls.includes("conformity_accounts"), calls.join());
  });

  await step("vision one 3-4: the workload, then a role only wa-sync uses, the external ID optional", async () => {
    await vt("wizard-next").click();
    await vt("wizard-aws").waitFor();
    await vt("list-workloads").click();
    await vt("workload-list").waitFor();
    assert.match(await vt("workload-row-Other account").innerText(), /not the Vision One account's/);
    await vt("workload-Shop").check();
    await vp.waitForFunction(() => !document.querySelector('[data-testid="wizard-next"]')?.disabled);
    await vt("wizard-next").click();
    await vt("iam-plan").waitFor();
    assert.equal(await vt("writer-choice").locator('input[type="radio"]').count(), 1);
    assert.equal(await vt("writer-app").isChecked(), true);
    assert.equal(await vt("writer-hosted").count(), 0);
    assert.ok(!(await vt("wizard-role").innerText()).includes("717210094962"));
    assert.match(await vt("role-intro").innerText(), /external ID is optional/);
    assert.doesNotMatch(await vt("trust-policy").innerText(), /ExternalId/);
    assert.equal(await vt("plan-external-id").innerText(), "none");
    await vt("role-external-id").fill("bad id");
    await vt("save-external-id").click();
    assert.match(await vt("wizard-error").innerText(), /only letters/);
    await vt("role-external-id").fill("my-team-ext-42");
    await vt("save-external-id").click();
    await vp.waitForFunction(() =>
      /"sts:ExternalId": "my-team-ext-42"/.test(
        document.querySelector('[data-testid="trust-policy"]')?.textContent ?? "",
      ),
    );
    assert.equal(await vt("plan-external-id").innerText(), "my-team-ext-42");
    await vt("role-arn").fill("arn:aws:iam::123456789012:role/WaSyncWellArchitectedNotes");
    await vt("set-role-arn").click();
    await vp.waitForFunction(() => !document.querySelector('[data-testid="iam-verify"]')?.disabled);
    const writers = await vp.evaluate(() =>
      window.__calls.filter((c) => c[0] === "iam_plan" || c[0] === "set_role_arn").map((c) => c[1].writer),
    );
    assert.ok(
      writers.every((x) => x === "app"),
      writers.join(),
    );
    await vshot("4-role");
  });

  await step(
    "vision one 5: summary, then the preview with whole-tag help, the live count and the engine's refusal",
    async () => {
      await vt("wizard-next").click();
      await vt("setup-summary").waitFor();
      assert.match(await vt("summary-conformity").innerText(), /Vision One\s+eu \(Cloud Posture, beta endpoints\)/);
      assert.match(await vt("summary-key").innerText(), /keychain.*QRST/);
      assert.match(await vt("summary-role").innerText(), /external ID my-team-ext-42/);
      await vt("finish-setup").click();
      await vt("configured-banner").waitFor();
      assert.match(await vt("configured-banner").innerText(), /Production \(Vision One\).*beta/s);
      assert.match(await vt("tag-help").innerText(), /whole tags only/);
      await vp.waitForFunction(() =>
        /300 of 300 checks in Vision One match/.test(
          document.querySelector('[data-testid="tag-match-count"]')?.textContent ?? "",
        ),
      );
      await vt("tag-input").fill("Environment::production");
      await vt("tag-add").click();
      await vp.waitForFunction(() =>
        /42 of 300 checks in Vision One match/.test(
          document.querySelector('[data-testid="tag-match-count"]')?.textContent ?? "",
        ),
      );
      const count = await vp.evaluate(() => window.__calls.filter((c) => c[0] === "tag_match_count").at(-1)[1]);
      assert.deepEqual(count, { tags: ["Environment::production"], source: { kind: "configured" } });
      await vt("tag-input").fill("production");
      await vt("tag-add").click();
      await vt("tag-error").waitFor();
      assert.match(await vt("tag-error").innerText(), /not a whole key::value tag: Vision One matches whole tags only/);
      await vshot("5-preview-tags");
      const preview = await vp.evaluate(() => window.__calls.filter((c) => c[0] === "preview").at(-1)[1].request);
      assert.deepEqual(preview.source, { kind: "configured" });
      const keyCalls = await vp.evaluate(
        () => window.__calls.slice(1).filter((c) => JSON.stringify(c).includes("BrowserSecretKey")).length,
      );
      assert.equal(keyCalls, 1, "the key crossed the bridge exactly once, into visionone_connect");
    },
  );
  await ctx.close();

  assert.deepEqual(problems, []);
  console.log(`browser tests: ${passed} passed`);
} catch (e) {
  console.error(problems);
  throw e;
} finally {
  await browser.close();
  server.close();
}
