// End-to-end: the guided setup of the real debug app (target/debug/wa-sync-app), driven through
// WebKitWebDriver by tauri-driver under Xvfb, against the local fakes of Conformity, the
// Well-Architected Tool and STS (the `fake-services` binary of tests/fakes). Walks the wizard
// key -> account -> workload -> role (verify) -> preview -> push, then asks the fakes what they
// were sent.
// Run: make app-debug && cargo build -p wa-sync-fakes --bin fake-services && npm run test:e2e:wizard

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  filesContaining,
  isolatedEnv,
  openApp,
  requireBinaries,
  screenshots,
  startFakes,
  steps,
} from "./support/webdriver.mjs";

requireBinaries({ fakes: true });
const { fakes, recorded, stop: stopFakes } = await startFakes();

// Everything the app reads or writes lives in one fresh directory: settings, backups, AWS config
// files and HOME. No real AWS credentials or Conformity key can be reached.
const dir = mkdtempSync(`${tmpdir()}/wa-sync-e2e-wizard-`);
const env = isolatedEnv(dir, fakes);
Object.assign(env, {
  CONFORMITY_API_URL: fakes.conformity_url,
  // No session bus: the user's own keychain is never touched; the wizard keeps the key for
  // this session only (and says so).
  DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/no-bus`,
});

const step = steps();
let app;
try {
  app = await openApp(env);
  const { browser, tid } = app;
  const next = async (stepId) => {
    await browser.waitUntil(async () => await tid("wizard-next").isEnabled(), {
      timeout: 10000,
      timeoutMsg: "Next stays disabled",
    });
    await tid("wizard-next").click();
    await tid(`wizard-${stepId}`).waitForDisplayed({ timeout: 10000 });
  };
  const shot = screenshots(browser, "e2e-wizard-");

  await step("1. key: the Conformity address comes from CONFORMITY_API_URL; the key is tested and kept", async () => {
    await tid("wizard-conformity").waitForDisplayed({ timeout: 20000 });
    // Vision One is preselected (Cloud One Conformity reached End of Life); Conformity is one click.
    assert.equal(await tid("product-vision-one").isSelected(), true);
    await tid("product-conformity").click();
    await tid("conformity-url").waitForDisplayed({ timeout: 10000 });
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
    assert.match(
      await tid("account-list").getText(),
      new RegExp(`${fakes.account_name.replace(/[()]/g, "\\$&")}\\s*${fakes.aws_account_id}`),
    );
    await tid(`account-${fakes.account_id}`).click();
  });

  await step("3. workload: the default chain lists the workloads of the region", async () => {
    await next("aws");
    await tid("aws-region").clearValue();
    await tid("aws-region").setValue(fakes.region);
    await tid("list-workloads").click();
    await tid("workload-list").waitForDisplayed({ timeout: 15000 });
    assert.match(await tid("aws-identity").getText(), new RegExp(`account ${fakes.aws_account_id}`));
    assert.match(
      await tid(`workload-row-${fakes.workload_name}`).getText(),
      /Well-Architected lens.*same AWS account/s,
    );
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
    await browser.waitUntil(async () => await tid("iam-verify").isEnabled(), { timeout: 10000 });
    await tid("iam-verify").click();
    await browser.waitUntil(
      async () =>
        /The role works/.test(
          await tid("verify-summary")
            .getText()
            .catch(() => ""),
        ),
      {
        timeout: 30000,
        timeoutMsg: "verify did not pass",
      },
    );
    await shot("4-role");
  });

  let toWrite = 0;
  await step("5. preview of the configured account against the workload", async () => {
    await next("done");
    await tid("setup-summary").waitForDisplayed({ timeout: 10000 });
    await tid("finish-setup").click();
    await tid("configured-banner").waitForDisplayed({ timeout: 10000 });
    await browser.waitUntil(async () => /Push \d+ to \u201c/.test(await tid("push").getText()), {
      timeout: 30000,
      timeoutMsg: "no preview",
    });
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
      assert.match(
        u.notes,
        /^Here are your findings from Trend Micro Cloud One Conformity:\nTotal number of Successes: \d+/,
      );
    }
    const assumed = seen.sts.filter((r) => r.action === "AssumeRole" && r.status === 200);
    assert.ok(assumed.length > 0, "the role was assumed");
    for (const r of assumed) {
      assert.equal(r.role_arn, fakes.role_arn);
      assert.equal(r.external_id, fakes.external_id);
      assert.equal(r.access_key_id, fakes.access_key_id);
    }
    assert.ok(
      seen.conformity.some((r) => r.path === "/api/checks" && r.status === 200),
      "checks were read",
    );
    assert.ok(
      seen.conformity.every((r) => r.status !== 401),
      "the key was always accepted",
    );
  });

  await step("the key is in no file of the app's directories", async () => {
    assert.deepEqual(filesContaining(dir, fakes.api_key), []);
    const settings = readFileSync(`${dir}/config/settings.json`, "utf8");
    assert.match(settings, new RegExp(fakes.account_id));
  });

  console.log(`e2e wizard tests: ${step.passed} passed`);
} finally {
  await app?.close();
  stopFakes();
  rmSync(dir, { recursive: true, force: true });
}
