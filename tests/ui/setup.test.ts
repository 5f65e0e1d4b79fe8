import { describe, expect, it } from "vitest";
import type { KeyStatus } from "../../ui/src/bindings/KeyStatus";
import type { Settings } from "../../ui/src/bindings/Settings";
import {
  badgeView,
  externalIdProblem,
  firstOpenStep,
  keyStatusText,
  stepsFor,
  workloadFlags,
  writersFor,
} from "../../ui/src/setup-model";

const none: KeyStatus = {
  source: "none",
  saved: false,
  last_four: null,
  keychain_problem: null,
  keychain_details: null,
  bound_to: null,
};
const saved: KeyStatus = {
  source: "keychain",
  saved: true,
  last_four: "WXYZ",
  keychain_problem: null,
  keychain_details: null,
  bound_to: null,
};
const empty: Settings = {
  product: "conformity",
  conformity: null,
  vision_one: null,
  account: null,
  aws: null,
  role: null,
  setup_done: false,
  last_folder: null,
};

describe("setup model", () => {
  it("opens on the first step not done", () => {
    expect(firstOpenStep(empty, none)).toBe("conformity");
    const c = { ...empty, conformity: { region: "us-1", url: null } };
    expect(firstOpenStep(c, none)).toBe("conformity");
    expect(firstOpenStep(c, saved)).toBe("account");
    const a = { ...c, account: { id: "a", name: "A", aws_account_id: "123456789012" } };
    expect(firstOpenStep(a, saved)).toBe("aws");
    const w = { ...a, aws: { profile: null, region: "eu-west-1", workload_arn: "arn", workload_name: "W" } };
    expect(firstOpenStep(w, saved)).toBe("role");
    expect(
      firstOpenStep(
        { ...w, role: { writer: "app", role_name: "R", role_arn: "arn:r", verified_at: null, external_id: null } },
        saved,
      ),
    ).toBe("done");
  });

  it("says where the key is and only its last four characters", () => {
    expect(keyStatusText(none)).toBe("Not saved.");
    expect(keyStatusText(saved)).toBe("Saved in the OS keychain (ends in \u2026WXYZ).");
    // A saved key goes only to the address it was tested with, and says so.
    expect(keyStatusText({ ...saved, bound_to: "https://conformity.us-1.cloudone.trendmicro.com/api" })).toBe(
      "Saved in the OS keychain (ends in \u2026WXYZ), for https://conformity.us-1.cloudone.trendmicro.com/api only.",
    );
    expect(keyStatusText({ ...saved, source: "environment", saved: false })).toMatch(/CONFORMITY_API_KEY/);
    expect(keyStatusText({ ...saved, source: "session", saved: false })).toMatch(/this session only/);
  });

  it("flags workloads without the lens or in another account", () => {
    const w = {
      arn: "a",
      name: "n",
      account_id: "210987654321",
      region: "eu-west-1",
      has_lens: false,
      account_matches: false,
    };
    expect(workloadFlags(w).map((f) => f.tone)).toEqual(["bad", "warn"]);
    expect(workloadFlags({ ...w, has_lens: true, account_matches: null }).map((f) => f.tone)).toEqual(["ok"]);
  });

  it("the badge shows problems first", () => {
    const ok = { state: "ok" as const, detail: "" };
    const failed = { state: "failed" as const, detail: "x" };
    expect(badgeView(null, true).text).toMatch(/Checking/);
    expect(
      badgeView({ conformity: ok, workload: failed, role: ok, can_preview: true, can_push: false }, false).tone,
    ).toBe("bad");
    expect(badgeView({ conformity: ok, workload: ok, role: ok, can_preview: true, can_push: true }, false).text).toBe(
      "Connected",
    );
  });

  it("Vision One: its own endpoint and key decide the first step", () => {
    const v: Settings = { ...empty, product: "vision-one", conformity: { region: "us-1", url: null } };
    // The Conformity key does not count for Vision One.
    expect(firstOpenStep(v, saved, none)).toBe("conformity");
    expect(firstOpenStep(v, saved)).toBe("conformity");
    const withEndpoint = { ...v, vision_one: { region: "eu", url: null } };
    expect(firstOpenStep(withEndpoint, none, none)).toBe("conformity");
    expect(firstOpenStep(withEndpoint, none, saved)).toBe("account");
    expect(stepsFor("vision-one")[0]).toEqual({ id: "conformity", label: "Vision One" });
    expect(stepsFor("conformity")[0]?.label).toBe("Conformity");
  });

  it("Vision One: only wa-sync writes, the external ID is optional but checked", () => {
    expect(writersFor("vision-one").map((x) => x.id)).toEqual(["app"]);
    expect(writersFor("conformity").map((x) => x.id)).toEqual(["app", "hosted", "both"]);
    expect(writersFor("vision-one")[0]?.text).not.toMatch(/717210094962/);
    expect(externalIdProblem("")).toBeNull();
    expect(externalIdProblem("my-team-ext-42")).toBeNull();
    expect(externalIdProblem("x")).toMatch(/2 to 1224/);
    expect(externalIdProblem("has space")).toMatch(/only letters/);
    expect(keyStatusText({ ...saved, source: "environment", saved: false }, "vision-one")).toMatch(/VISIONONE_API_KEY/);
    const ok = { state: "ok" as const, detail: "" };
    const missing = { state: "missing" as const, detail: "" };
    expect(
      badgeView(
        { conformity: ok, workload: missing, role: missing, can_preview: true, can_push: false },
        false,
        "vision-one",
      ).text,
    ).toBe("Vision One only");
  });
});
