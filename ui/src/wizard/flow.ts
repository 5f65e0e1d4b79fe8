// How the setup moves: opening it, loading each step's data, running a call with a busy note, and
// which steps can be reached yet.

import { batch } from "@preact/signals-core";
import { api, toAppError } from "../api";
import type { AppError } from "../bindings/AppError";
import type { Product } from "../bindings/Product";
import type { SetupStatus } from "../bindings/SetupStatus";
import { firstOpenStep, type StepId } from "../setup-model";
import { resetWizard, updateForm, w } from "./state";

export interface WizardHooks {
  /** The user finished (or skipped to) the end: open the preview of the configured account. */
  onDone: () => void;
  /** The user wants the demo instead. */
  onDemo: () => void;
  /** Settings changed (the header badge refreshes). */
  onChange: () => void;
}

const noHooks: WizardHooks = { onDone: () => {}, onDemo: () => {}, onChange: () => {} };
let hooks = noHooks;
/** Which opening of the wizard is current: a load still under way from an earlier one is dropped. */
let opening = 0;

export function leave(to: "done" | "demo"): void {
  if (to === "done") hooks.onDone();
  else hooks.onDemo();
}

export function settingsChanged(): void {
  hooks.onChange();
}

/** Starts the setup afresh at `step` (or the first one not done). */
export function openWizard(with_: WizardHooks, step?: StepId): void {
  hooks = with_;
  resetWizard();
  void load(++opening, step);
}

/** Shows a configured (or proposed) endpoint in the form, the URL winning over the region;
 * false when there is neither. */
function fillForm(product: Product, endpoint: { region: string | null; url: string | null } | null): boolean {
  if (endpoint?.url) {
    updateForm(product, { kind: "url" });
    w.urls.value = { ...w.urls.value, [product]: endpoint.url };
  } else if (endpoint?.region) {
    updateForm(product, { region: endpoint.region });
  } else {
    return false;
  }
  return true;
}

/** Fills the steps from what is already set up. */
function fillFrom(s: SetupStatus, step?: StepId): void {
  w.status.value = s;
  w.product.value = s.settings.product ?? "vision-one";
  fillForm("vision-one", s.settings.vision_one);
  w.externalIdInput.value = s.settings.role?.external_id ?? "";
  if (!fillForm("conformity", s.settings.conformity)) {
    fillForm("conformity", { region: s.env_conformity_region, url: s.env_conformity_url });
  }
  const aws = s.settings.aws;
  if (aws) {
    w.profile.value = aws.profile ?? "";
    w.awsRegion.value = aws.region;
    w.picked.value = aws.workload_arn;
  }
  const role = s.settings.role;
  w.roleName.value = role?.role_name || s.default_role_name;
  if (role) w.writer.value = w.product.value === "vision-one" ? "app" : role.writer;
  w.roleArnInput.value = role?.role_arn ?? "";
  w.step.value = step ?? firstOpenStep(s.settings, s.key, s.visionone_key);
}

async function load(current: number, step?: StepId): Promise<void> {
  let status: SetupStatus | null = null;
  let error: AppError | null = null;
  try {
    status = await api.setupStatus();
  } catch (e) {
    error = toAppError(e);
  }
  if (current !== opening) return;
  batch(() => {
    if (status) fillFrom(status, step);
    w.error.value = error;
    w.busy.value = null;
  });
  // Without a status there is nothing to load, and entering the step would clear the error.
  if (status) await enterStep(w.step.value);
}

export async function refreshStatus(): Promise<void> {
  w.status.value = await api.setupStatus();
  hooks.onChange();
}

/** Runs a call with a busy note; errors are shown on the step. */
export async function run<T>(note: string, f: () => Promise<T>): Promise<T | undefined> {
  batch(() => {
    w.busy.value = note;
    w.error.value = null;
  });
  try {
    return await f();
  } catch (e) {
    w.error.value = toAppError(e);
    return undefined;
  } finally {
    w.busy.value = null;
  }
}

async function loadAccounts(): Promise<void> {
  if (w.product.value === "vision-one") {
    if (w.accounts.value !== null) return;
    await run("Asking Vision One for your accounts\u2026", async () => {
      w.accounts.value = await api.visionOneAccounts();
    });
  } else if (w.externalId.value === null || w.accounts.value === null) {
    await run("Asking Conformity for your external ID and accounts\u2026", async () => {
      const [id, accounts] = await Promise.all([api.conformityExternalId(), api.conformityAccounts()]);
      batch(() => {
        w.externalId.value = id;
        w.accounts.value = accounts;
      });
    });
  }
}

async function loadProfiles(): Promise<void> {
  if (w.profiles.value.length > 0) return;
  const profiles = await api.awsProfiles().catch(() => []);
  batch(() => {
    w.profiles.value = profiles;
    const first = profiles[0];
    if (!w.status.value?.settings.aws && first?.region) w.awsRegion.value = first.region;
  });
}

export async function enterStep(step: StepId): Promise<void> {
  batch(() => {
    w.step.value = step;
    w.error.value = null;
  });
  if (!w.status.value) return;
  if (step === "account") await loadAccounts();
  if (step === "aws") await loadProfiles();
  if (step === "role") await loadPlan();
}

export async function loadPlan(): Promise<void> {
  batch(() => {
    w.plan.value = null;
    w.adoption.value = null;
  });
  await run("Writing the policies\u2026", async () => {
    w.plan.value = await api.iamPlan(w.writer.value, w.roleName.value);
  });
}

export function reachable(step: StepId): boolean {
  const s = w.status.value?.settings;
  if (!s) return step === "conformity";
  const v1 = w.product.value === "vision-one";
  const keyOk = v1 ? w.status.value?.visionone_key.source !== "none" : w.status.value?.key.source !== "none";
  switch (step) {
    case "conformity":
      return true;
    case "account":
      return (v1 ? !!s.vision_one : !!s.conformity) && keyOk && s.product === w.product.value;
    case "aws":
      return !!s.account;
    case "role":
      return !!s.aws?.workload_arn;
    case "done":
      return !!s.account;
  }
}
