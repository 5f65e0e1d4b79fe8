// End-to-end: the guided setup of the real debug app for Trend Vision One, driven through
// WebKitWebDriver by tauri-driver under Xvfb, against the local fakes of Vision One, the
// Well-Architected Tool and STS (the `fake-services` binary of tests/fakes). Walks the wizard
// product -> Vision One URL + key -> account -> workload -> role (external ID chosen here, verify)
// -> preview with the live tag count and whole-tag refusal -> push, then asks the fakes what they
// were sent.
//
// The key goes into a real Secret Service keychain: the test starts a private D-Bus session bus
// and an unlocked gnome-keyring-daemon of its own in a temporary directory, so the user's own
// keychain is never reached, and reads the key back from that keychain with secret-tool.
// Run: make app-debug && cargo build -p wa-sync-fakes --bin fake-services && npm run test:e2e:wizard

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  filesContaining,
  firstLine,
  isolatedEnv,
  openApp,
  requireBinaries,
  screenshots,
  startFakes,
  steps,
} from "./support/webdriver.mjs";

const started = Date.now();
requireBinaries({ fakes: true });
for (const tool of ["dbus-daemon", "gnome-keyring-daemon", "secret-tool", "dbus-send"]) {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
    throw new Error(`${tool} is needed (make deps installs it)`);
}
const { fakes, recorded, stop: stopFakes } = await startFakes();
const KEY = fakes.visionone_api_key;
const lastFour = KEY.slice(-4);

// Everything the app reads or writes lives in one fresh directory: settings, backups, AWS config
// files, HOME, the D-Bus socket and the keychain's files. No real AWS credentials, Vision One key
// or keychain can be reached.
const dir = mkdtempSync(`${tmpdir()}/wa-sync-e2e-wizard-v1-`);
for (const d of ["home/.local/share", "run"]) mkdirSync(`${dir}/${d}`, { recursive: true, mode: 0o700 });
const env = isolatedEnv(dir, fakes, [
  "CONFORMITY_API_URL",
  "VISIONONE_API_KEY",
  "GNOME_KEYRING_CONTROL",
  "SSH_AUTH_SOCK",
]);
env.XDG_RUNTIME_DIR = `${dir}/run`;

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const checksPath = "/beta/cloudPosture/checks";
const accountFilter = `accountId eq '${fakes.visionone_account_id}'`;
const tagFilter = (tag) => `${accountFilter} and tags/any(tag: tag eq '${tag}')`;

/** The Vision One key as the private keychain holds it (the engine's entry: service wa-sync). */
const keychainKey = () =>
  spawnSync("secret-tool", ["lookup", "service", "wa-sync", "username", "visionone-api-key"], { env, encoding: "utf8" })
    .stdout;

const step = steps();
let app, bus, keyring;
try {
  // A private session bus, and an unlocked Secret Service on it (gnome-keyring-daemon reads the
  // new login keyring's password on stdin). Both end when the bus does.
  bus = spawn(
    "dbus-daemon",
    ["--session", "--nofork", "--nopidfile", "--print-address=1", `--address=unix:path=${dir}/run/bus`],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env,
    },
  );
  env.DBUS_SESSION_BUS_ADDRESS = (await firstLine(bus, "dbus-daemon")).trim();
  keyring = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
    stdio: ["pipe", "ignore", "ignore"],
    env,
  });
  keyring.stdin.end("wa-sync-e2e");
  const secretsOwned = () =>
    /boolean true/.test(
      spawnSync(
        "dbus-send",
        [
          "--session",
          "--print-reply",
          "--dest=org.freedesktop.DBus",
          "/org/freedesktop/DBus",
          "org.freedesktop.DBus.NameHasOwner",
          "string:org.freedesktop.secrets",
        ],
        { env, encoding: "utf8" },
      ).stdout ?? "",
    );
  for (let i = 0; !secretsOwned(); i++) {
    if (i > 100 || keyring.exitCode !== null) throw new Error("gnome-keyring-daemon did not start its Secret Service");
    await new Promise((r) => setTimeout(r, 100));
  }
  app = await openApp(env);
  const { browser, tid } = app;
  const textOf = async (id) => ((await tid(id).isExisting()) ? tid(id).getText() : "");
  const waitText = (id, re, timeoutMsg, timeout = 15000) =>
    browser.waitUntil(async () => re.test(await textOf(id).catch(() => "")), {
      timeout,
      timeoutMsg: `${timeoutMsg}: ${id} never matched ${re}`,
    });
  const next = async (stepId) => {
    await browser.waitUntil(async () => await tid("wizard-next").isEnabled(), {
      timeout: 10000,
      timeoutMsg: "Next stays disabled",
    });
    await tid("wizard-next").click();
    await tid(`wizard-${stepId}`).waitForDisplayed({ timeout: 10000 });
  };
  const shot = screenshots(browser, "e2e-wizard-v1-");

  await step("1. product: the setup asks which product; Vision One comes first and is preselected", async () => {
    await tid("wizard-conformity").waitForDisplayed({ timeout: 20000 });
    await tid("product-choice").waitForDisplayed();
    assert.match(
      await tid("product-choice").getText(),
      /Trend Vision One Cloud Posture.*Cloud One Conformity.*End of Life on 2026-07-31/s,
    );
    assert.equal(await tid("product-vision-one").isSelected(), true);
    await tid("product-vision-one").click();
    await tid("visionone-region").waitForDisplayed({ timeout: 10000 });
    assert.equal(await tid("conformity-region").isExisting(), false);
    assert.match(await tid("wizard-step-conformity").getText(), /1\. Vision One/);
    assert.match(await tid("visionone-beta").getText(), /beta/);
  });

  let wrongKeyRequests = 0;
  await step(
    "2. connect: the fake's loopback URL as a custom site; a wrong key refused, the right one kept in the keychain",
    async () => {
      await tid("visionone-region").selectByAttribute("value", "__url");
      await tid("visionone-url").waitForDisplayed();
      await tid("visionone-url").setValue(fakes.visionone_url);
      assert.equal(await tid("visionone-key-status").getText(), "Not saved.");
      assert.equal(await tid("keychain-problem").isExisting(), false, "the private keychain is usable");

      await tid("visionone-api-key").setValue("eyJwrongE2EKey");
      await tid("visionone-connect").click();
      await waitText("wizard-error", /refused the API key.*not saved/s, "the wrong key was not refused");
      assert.equal(await tid("visionone-key-status").getText(), "Not saved.");
      assert.equal(keychainKey(), "", "a refused key is not kept");
      wrongKeyRequests = (await recorded()).visionone.length;
      assert.ok(wrongKeyRequests > 0);

      await tid("visionone-api-key").setValue(KEY);
      await tid("visionone-connect").click();
      await tid("visionone-ok").waitForDisplayed({ timeout: 15000 });
      assert.match(
        await tid("visionone-ok").getText(),
        new RegExp(
          `Connected to ${escapeRegex(fakes.visionone_url)}/?: 1 AWS account \\(1 of other clouds left out\\)`,
        ),
      );
      // The saved key is bound to the site it was tested with, and says so.
      const site = fakes.visionone_url.replace(/\/$/, "");
      assert.equal(
        await tid("visionone-key-status").getText(),
        `Saved in the OS keychain (ends in \u2026${lastFour}), for ${site} only.`,
      );
      assert.deepEqual(
        JSON.parse(keychainKey()),
        { api_key: KEY, base_url: site },
        "the key and its site are in the (private) OS keychain",
      );
      assert.ok(!(await browser.getPageSource()).includes(KEY), "the key is nowhere in the page");
      await tid("visionone-forget-key").waitForDisplayed();
      await shot("1-connect");
    },
  );

  await step("3. account: the Vision One account of the AWS account, without Conformity's external ID", async () => {
    await next("account");
    await tid("account-list").waitForDisplayed({ timeout: 10000 });
    assert.equal(await tid("external-id").isExisting(), false);
    assert.match(
      await tid("account-list").getText(),
      new RegExp(`${escapeRegex(fakes.visionone_account_name)}\\s*${fakes.aws_account_id}`),
    );
    assert.doesNotMatch(await tid("account-list").getText(), /Azure/);
    await tid(`account-${fakes.visionone_account_id}`).click();
  });

  await step(
    "4. workload: the default chain lists the region's workloads, in the Vision One account's AWS account",
    async () => {
      await next("aws");
      await tid("aws-region").clearValue();
      await tid("aws-region").setValue(fakes.region);
      await tid("list-workloads").click();
      await tid("workload-list").waitForDisplayed({ timeout: 15000 });
      assert.match(await tid("aws-identity").getText(), new RegExp(`account ${fakes.aws_account_id}`));
      assert.match(
        await tid(`workload-row-${fakes.workload_name}`).getText(),
        /Well-Architected lens.*same AWS account as Vision One's/s,
      );
      await tid(`workload-${fakes.workload_name}`).click();
      await shot("2-workload");
    },
  );

  await step(
    "5. role: only wa-sync writes; the external ID chosen here goes into the trust policy; verified through STS",
    async () => {
      await next("role");
      await tid("iam-plan").waitForDisplayed({ timeout: 10000 });
      assert.equal(await browser.$$('[data-testid="writer-choice"] input[type="radio"]').length, 1);
      assert.equal(await tid("writer-hosted").isExisting(), false);
      assert.match(await tid("role-intro").getText(), /external ID is optional/);
      assert.equal(await tid("plan-external-id").getText(), "none");
      assert.doesNotMatch(await tid("trust-policy").getText(), /ExternalId/);

      await tid("role-name").clearValue();
      await tid("role-name").setValue(fakes.visionone_role_name);
      await browser.keys("Tab");
      await waitText(
        "plan-role-arn",
        new RegExp(`^${escapeRegex(fakes.visionone_role_arn)}$`),
        "the plan kept the old role name",
      );
      assert.match(await tid("permissions-policy").getText(), new RegExp(escapeRegex(fakes.workload_arn)));

      await tid("role-external-id").setValue(fakes.visionone_external_id);
      await tid("save-external-id").click();
      await waitText(
        "trust-policy",
        new RegExp(`"sts:ExternalId": "${fakes.visionone_external_id}"`),
        "no external ID in the trust policy",
      );
      assert.equal(await tid("plan-external-id").getText(), fakes.visionone_external_id);

      await tid("role-arn").setValue(fakes.visionone_role_arn);
      await tid("set-role-arn").click();
      await browser.waitUntil(async () => await tid("iam-verify").isEnabled(), { timeout: 10000 });
      await tid("iam-verify").click();
      await waitText("verify-summary", /The role works/, "verify did not pass", 30000);
      assert.match(await tid("verify-trust").getText(), /with the external ID succeeded/);
      assert.match(await tid("verify-external-id-required").getText(), /demands the external ID/);
      await browser.execute(() =>
        document.querySelector('[data-testid="verify-result"]').scrollIntoView({ block: "end" }),
      );
      await shot("3-role");
    },
  );

  let total = 0;
  await step("6. done, then the preview of the configured account with the live count from Vision One", async () => {
    await next("done");
    await tid("setup-summary").waitForDisplayed({ timeout: 10000 });
    assert.match(
      await tid("summary-conformity").getText(),
      new RegExp(`Vision One\\s*${escapeRegex(fakes.visionone_url)}/? \\(Cloud Posture, beta endpoints\\)`),
    );
    assert.match(await tid("summary-key").getText(), new RegExp(`keychain.*${lastFour}`));
    assert.match(
      await tid("summary-account").getText(),
      new RegExp(`${escapeRegex(fakes.visionone_account_name)} \\(${fakes.aws_account_id}\\)`),
    );
    assert.match(await tid("summary-role").getText(), new RegExp(`external ID ${fakes.visionone_external_id}`));
    await shot("4-done");
    await tid("finish-setup").click();
    await tid("configured-banner").waitForDisplayed({ timeout: 10000 });
    assert.match(
      await tid("configured-banner").getText(),
      new RegExp(
        `${escapeRegex(fakes.visionone_account_name)} \\(Vision One Cloud Posture\\).*workload \u201c${fakes.workload_name}\u201d \\(${fakes.region}\\), through role ${fakes.visionone_role_name}.*beta`,
        "s",
      ),
    );
    assert.match(await tid("tag-help").getText(), /whole tags only/);
    total = fakes.visionone_checks;
    await waitText(
      "tag-match-count",
      new RegExp(`^${total} of ${total} checks in Vision One match$`),
      "no live count",
      30000,
    );
    await waitText("push", new RegExp(`^Push \\d+ to \u201c${fakes.workload_name}\u201d$`), "no preview", 30000);
    assert.equal(await tid("checks-fetched").$(".stat-value").getText(), String(total));
    await browser.waitUntil(async () => (await textOf("connection-badge")) === "Connected", {
      timeout: 15000,
      timeoutMsg: "badge never said Connected",
    });
    await shot("5-preview");
  });

  const TAG = "Environment::production";
  const tagged = fakes.visionone_tag_counts[TAG];
  await step(
    "7. tags: a whole key::value tag changes the live count; a bare value is refused before Vision One is asked",
    async () => {
      assert.ok(tagged > 0 && tagged < total, `fixture count of ${TAG}: ${tagged}`);
      await tid("tag-input").setValue(TAG);
      await tid("tag-add").click();
      await waitText(
        "tag-match-count",
        new RegExp(`^${tagged} of ${total} checks in Vision One match$`),
        "the count did not change",
        30000,
      );
      assert.match(await tid("tag-chips").getText(), new RegExp(TAG));
      const asked = (await recorded()).visionone.filter((r) => r.path === checksPath && r.filter === tagFilter(TAG));
      assert.ok(asked.length > 0, "the count came from Vision One with the tag in TMV1-Filter");

      const before = (await recorded()).visionone.length;
      await tid("tag-input").setValue("production");
      await tid("tag-add").click();
      await waitText(
        "tag-error",
        /not a whole key::value tag: Vision One matches whole tags only/,
        "no whole-tag refusal",
      );
      assert.match(
        await tid("tag-match-count").getText(),
        new RegExp(`^${tagged} of ${total} checks in Vision One match$`),
      );
      assert.equal(
        (await tid("tag-chips").$$('[data-testid="tag-chip"]')).length,
        1,
        "the bare value did not become a chip",
      );
      assert.equal((await recorded()).visionone.length, before, "the bare value never reached Vision One");
      await shot("6-tags");
    },
  );

  let toWrite = 0;
  await step(
    "8. preview again with the tag, then push: a backup, then every changed question written through the role, notes only",
    async () => {
      await tid("run-preview").click();
      await browser.waitUntil(
        async () =>
          (await tid("checks-fetched").isExisting()) &&
          (await tid("checks-fetched").$(".stat-value").getText()) === String(tagged),
        {
          timeout: 30000,
          timeoutMsg: "the preview did not read the tagged checks",
        },
      );
      await browser.waitUntil(async () => await tid("push").isEnabled(), {
        timeout: 30000,
        timeoutMsg: "push stays disabled",
      });
      toWrite = Number(/^Push (\d+)/.exec(await tid("push").getText())[1]);
      assert.ok(toWrite > 5, `questions to write: ${toWrite}`);

      const before = await recorded();
      await tid("push").click();
      await tid("push-result").waitForDisplayed({ timeout: 30000 });
      assert.match(await tid("push-written").getText(), new RegExp(`Written\\s*${toWrite}$`));
      assert.match(await tid("push-failed").getText(), /Failed\s*0$/);
      await tid("backup-0").waitForDisplayed({ timeout: 10000 });
      await shot("7-pushed");

      const seen = await recorded();
      const updates = seen.answer_updates.slice(before.answer_updates.length);
      assert.equal(updates.length, toWrite);
      const workloadId = fakes.workload_arn.split("/").pop();
      for (const u of updates) {
        assert.equal(u.workload_id, workloadId);
        assert.equal(
          u.access_key_id,
          fakes.visionone_role_access_key_id,
          "written with the Vision One role's credentials",
        );
        assert.equal(u.sent_choices, false, "best-practice choices are never sent");
        assert.match(
          u.notes,
          /^Here are your findings from Trend Micro Cloud One Conformity:\nTotal number of Successes: \d+/,
        );
      }
      const writes = seen.wellarchitected.filter((r) => r.operation === "UpdateAnswer");
      assert.ok(writes.length >= toWrite);
      for (const r of writes)
        assert.equal(r.access_key_id, fakes.visionone_role_access_key_id, "every UpdateAnswer went through the role");
      // The push read the checks again, with the tag.
      const pushReads = seen.visionone.slice(before.visionone.length).filter((r) => r.path === checksPath);
      assert.ok(pushReads.length > 0, "the push read the checks");
      for (const r of pushReads) assert.ok(r.filter.startsWith(tagFilter(TAG)), r.filter);
    },
  );

  await step(
    "9. the fakes' records: Bearer key and account filter on every Vision One read, the role assumed with the chosen external ID",
    async () => {
      const seen = await recorded();
      const wrong = seen.visionone.slice(0, wrongKeyRequests);
      for (const r of wrong) {
        assert.equal(r.auth, "bearer-other", "the wrong key was sent as a bearer token");
        assert.equal(r.status, 401);
      }
      const rest = seen.visionone.slice(wrongKeyRequests);
      assert.ok(rest.length > 0);
      for (const r of rest) {
        assert.equal(r.auth, "bearer-key", `${r.method} ${r.path}: Authorization: Bearer <key>`);
        assert.equal(r.method, "GET");
        assert.equal(r.status, 200, `${r.path} answered ${r.status}`);
      }
      const paths = new Set(rest.map((r) => r.path));
      for (const p of ["/v3.0/healthcheck/connectivity", "/v3.0/cloudRiskManagement/accounts", checksPath])
        assert.ok(paths.has(p), `no request to ${p}`);
      const checks = rest.filter((r) => r.path === checksPath);
      for (const r of checks) {
        assert.ok(
          r.filter === accountFilter || r.filter.startsWith(`${accountFilter} and `),
          `checks read without the account in TMV1-Filter: ${r.filter}`,
        );
      }
      // Only the chosen account's data is read: its rule settings, no other account's.
      const perAccount = rest.filter((r) => /\/accounts\/[^/]+\//.test(r.path));
      assert.ok(perAccount.length > 0, "the account's rule settings were read");
      for (const r of perAccount) assert.ok(r.path.includes(`/accounts/${fakes.visionone_account_id}/`), r.path);

      const assumed = seen.sts.filter((r) => r.action === "AssumeRole" && r.status === 200);
      assert.ok(assumed.length > 0, "the role was assumed");
      for (const r of assumed) {
        assert.equal(r.role_arn, fakes.visionone_role_arn);
        assert.equal(r.external_id, fakes.visionone_external_id);
        assert.equal(r.access_key_id, fakes.access_key_id);
      }
      // Verify's confused-deputy probe: without the external ID the role refused.
      assert.ok(
        seen.sts.some((r) => r.action === "AssumeRole" && r.external_id === null && r.status !== 200),
        "the probe without external ID was refused",
      );
      assert.equal(seen.conformity.length, 0, "Conformity was never called");
    },
  );

  await step(
    "10. the key is in the keychain only: in no file of the app's directories (keychain files included)",
    async () => {
      assert.equal(JSON.parse(keychainKey()).api_key, KEY);
      assert.deepEqual(filesContaining(dir, KEY), []);
      assert.ok(
        existsSync(`${dir}/home/.local/share/keyrings`),
        "the private keychain keeps its (encrypted) files under the test directory",
      );
      const settings = readFileSync(`${dir}/config/settings.json`, "utf8");
      assert.match(settings, new RegExp(fakes.visionone_account_id));
      assert.match(settings, new RegExp(escapeRegex(fakes.visionone_url)));
      assert.match(settings, /vision-one/);
    },
  );

  console.log(
    `e2e wizard (Vision One) tests: ${step.passed} passed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await app?.close();
  stopFakes();
  keyring?.kill();
  bus?.kill();
  rmSync(dir, { recursive: true, force: true });
}
