// The guided setup: which product (Conformity or Vision One), its connection, (Conformity's
// external ID and) the account, AWS profile/region/workload, the IAM role, done. Opens on the first run; re-runnable from the settings screen.
// The API key is typed here, sent once to Rust, and the field is cleared: the UI never gets it back.

import { api, toAppError } from "./api";
import type { AppError } from "./bindings/AppError";
import type { AwsProfile } from "./bindings/AwsProfile";
import type { ConformityConnection } from "./bindings/ConformityConnection";
import type { IamAdoption } from "./bindings/IamAdoption";
import type { IamCreated } from "./bindings/IamCreated";
import type { IamExported } from "./bindings/IamExported";
import type { IamPlan } from "./bindings/IamPlan";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { VerifyView } from "./bindings/VerifyView";
import type { WorkloadList } from "./bindings/WorkloadList";
import type { Writer } from "./bindings/Writer";
import type { AccountView } from "./bindings/AccountView";
import type { KeyStatus } from "./bindings/KeyStatus";
import type { Product } from "./bindings/Product";
import type { VisionOneConnection } from "./bindings/VisionOneConnection";
import { h, replace, type Child } from "./dom";
import { counted } from "./model";
import {
  AWS_REGIONS,
  PRODUCTS,
  VISION_ONE_BETA,
  externalIdProblem,
  firstOpenStep,
  keyStatusText,
  productName,
  stepsFor,
  workloadFlags,
  writersFor,
  type StepId,
} from "./setup-model";

export interface WizardHooks {
  /** The user finished (or skipped to) the end: open the preview of the configured account. */
  onDone: () => void;
  /** The user wants the demo instead. */
  onDemo: () => void;
  /** Settings changed (the header badge refreshes). */
  onChange: () => void;
}

interface W {
  status: SetupStatus | null;
  step: StepId;
  busy: string | null;
  error: AppError | null;
  product: Product;
  /** Each product's connect fields, kept while the user switches between the products. */
  forms: Record<Product, EndpointForm>;
  /** The connection the last test made, for the product shown. */
  connection: Connection | null;
  // vision one
  externalIdInput: string;
  // conformity
  externalId: string | null;
  accounts: AccountView[] | null;
  copied: boolean;
  // aws
  profiles: AwsProfile[];
  profile: string; // "" = default chain
  awsRegion: string;
  workloads: WorkloadList | null;
  picked: string | null;
  // role
  writer: Writer;
  roleName: string;
  plan: IamPlan | null;
  created: IamCreated | null;
  /** A role or policy of that name exists that wa-sync did not make: asked before taking it over. */
  adoption: IamAdoption | null;
  exported: IamExported | null;
  roleArnInput: string;
  verify: VerifyView | null;
}

type Connection = ConformityConnection | VisionOneConnection;

/** What the user chose or typed in a product's connect step. */
interface EndpointForm {
  kind: "region" | "url";
  region: string;
  url: string;
  replacingKey: boolean;
}

let w: W;
let host: HTMLElement;
let hooks: WizardHooks;
/** False once the user left the wizard, so a late answer does not draw over another screen. */
let active = false;

function leave(f: () => void): void {
  active = false;
  f();
}

export async function openWizard(el: HTMLElement, h0: WizardHooks, step?: StepId): Promise<void> {
  host = el;
  hooks = h0;
  active = true;
  w = {
    status: null,
    step: "conformity",
    busy: "Loading\u2026",
    error: null,
    product: "conformity",
    forms: {
      conformity: { kind: "region", region: "us-1", url: "", replacingKey: false },
      "vision-one": { kind: "region", region: "us", url: "", replacingKey: false },
    },
    connection: null,
    externalIdInput: "",
    externalId: null,
    accounts: null,
    copied: false,
    profiles: [],
    profile: "",
    awsRegion: "us-east-1",
    workloads: null,
    picked: null,
    writer: "app",
    roleName: "WaSyncWellArchitectedNotes",
    plan: null,
    created: null,
    adoption: null,
    exported: null,
    roleArnInput: "",
    verify: null,
  };
  render();
  try {
    const s = await api.setupStatus();
    w.status = s;
    w.product = s.settings.product ?? "conformity";
    fillForm(w.forms["vision-one"], s.settings.vision_one);
    w.externalIdInput = s.settings.role?.external_id ?? "";
    if (!fillForm(w.forms.conformity, s.settings.conformity)) {
      fillForm(w.forms.conformity, { region: s.env_conformity_region, url: s.env_conformity_url });
    }
    const aws = s.settings.aws;
    if (aws) {
      w.profile = aws.profile ?? "";
      w.awsRegion = aws.region;
      w.picked = aws.workload_arn;
    }
    const role = s.settings.role;
    w.roleName = role?.role_name || s.default_role_name;
    if (role) w.writer = w.product === "vision-one" ? "app" : role.writer;
    w.roleArnInput = role?.role_arn ?? "";
    w.step = step ?? firstOpenStep(s.settings, s.key, s.visionone_key);
  } catch (e) {
    w.error = toAppError(e);
  }
  w.busy = null;
  await enterStep(w.step);
}

/** Shows a configured (or proposed) endpoint in the form, the URL winning over the region;
 * false when there is neither. */
function fillForm(form: EndpointForm, endpoint: { region: string | null; url: string | null } | null): boolean {
  if (endpoint?.url) {
    form.kind = "url";
    form.url = endpoint.url;
  } else if (endpoint?.region) {
    form.region = endpoint.region;
  } else {
    return false;
  }
  return true;
}

async function refreshStatus(): Promise<void> {
  w.status = await api.setupStatus();
  hooks.onChange();
}

/** Runs a call with a busy note; errors are shown on the step. */
async function run<T>(note: string, f: () => Promise<T>): Promise<T | undefined> {
  w.busy = note;
  w.error = null;
  render();
  try {
    return await f();
  } catch (e) {
    w.error = toAppError(e);
    return undefined;
  } finally {
    w.busy = null;
    render();
  }
}

async function enterStep(step: StepId): Promise<void> {
  w.step = step;
  w.error = null;
  render();
  const s = w.status;
  if (!s) return;
  if (step === "account" && w.product === "vision-one" && w.accounts === null) {
    await run("Asking Vision One for your accounts\u2026", async () => {
      w.accounts = await api.visionOneAccounts();
    });
  } else if (step === "account" && w.product !== "vision-one" && (w.externalId === null || w.accounts === null)) {
    await run("Asking Conformity for your external ID and accounts\u2026", async () => {
      const [id, accounts] = await Promise.all([api.conformityExternalId(), api.conformityAccounts()]);
      w.externalId = id;
      w.accounts = accounts;
    });
  }
  if (step === "aws" && w.profiles.length === 0) {
    w.profiles = await api.awsProfiles().catch(() => []);
    if (!w.status?.settings.aws && w.profiles.length) {
      const first = w.profiles[0]!;
      if (first.region) w.awsRegion = first.region;
    }
    render();
  }
  if (step === "role") {
    await loadPlan();
  }
}

async function loadPlan(): Promise<void> {
  w.plan = null;
  w.adoption = null;
  await run("Writing the policies\u2026", async () => {
    w.plan = await api.iamPlan(w.writer, w.roleName);
  });
}

// ---------- rendering ----------

function render(): void {
  if (!w || !active) return;
  const steps = h(
    "ol",
    { class: "wizard-steps", testid: "wizard-steps" },
    ...stepsFor(w.product).map((s, i) =>
      h(
        "li",
        { class: s.id === w.step ? "current" : "", testid: `wizard-step-${s.id}` },
        h(
          "button",
          { class: "link", disabled: !!w.busy || !reachable(s.id), onclick: () => void enterStep(s.id) },
          `${i + 1}. ${s.label}`,
        ),
      ),
    ),
  );
  let body: Child[] = [];
  switch (w.step) {
    case "conformity":
      body = conformityStep();
      break;
    case "account":
      body = accountStep();
      break;
    case "aws":
      body = awsStep();
      break;
    case "role":
      body = roleStep();
      break;
    case "done":
      body = doneStep();
      break;
  }
  replace(
    host,
    h(
      "section",
      { class: "wizard", testid: "wizard" },
      h(
        "div",
        { class: "wizard-head" },
        h("h1", {}, "Set up wa-sync"),
        h(
          "button",
          { class: "link", testid: "try-demo", onclick: () => leave(hooks.onDemo) },
          "Just looking? Try with demo data",
        ),
      ),
      steps,
      h("div", { class: "card wizard-body", testid: `wizard-${w.step}` }, ...body),
      w.busy ? h("p", { class: "progress-text", testid: "wizard-busy" }, w.busy) : null,
      w.error
        ? h("p", { class: "error", testid: "wizard-error" }, `${w.error.message} (${w.error.code})`)
        : null,
    ),
  );
}

function reachable(step: StepId): boolean {
  const s = w.status?.settings;
  if (!s) return step === "conformity";
  const v1 = w.product === "vision-one";
  const keyOk = v1 ? w.status?.visionone_key.source !== "none" : w.status?.key.source !== "none";
  switch (step) {
    case "conformity":
      return true;
    case "account":
      return (v1 ? !!s.vision_one : !!s.conformity) && keyOk && s.product === w.product;
    case "aws":
      return !!s.account;
    case "role":
      return !!s.aws?.workload_arn;
    case "done":
      return !!s.account;
  }
}

function nav(back: StepId | null, next: { label: string; step: StepId; enabled: boolean; testid?: string } | null): HTMLElement {
  return h(
    "div",
    { class: "wizard-nav" },
    back ? h("button", { testid: "wizard-back", onclick: () => void enterStep(back) }, "Back") : h("span", {}),
    next
      ? h(
          "button",
          {
            class: "primary",
            testid: next.testid ?? "wizard-next",
            disabled: !next.enabled || !!w.busy,
            onclick: () => void enterStep(next.step),
          },
          next.label,
        )
      : null,
  );
}

// ---------- 1. Conformity ----------

function productChoice(): HTMLElement {
  return h(
    "div",
    { class: "writers", testid: "product-choice" },
    ...PRODUCTS.map((p) => {
      const radio = h("input", { type: "radio", name: "product", testid: `product-${p.id}`, checked: w.product === p.id });
      radio.addEventListener("change", () => {
        if (w.product === p.id) return;
        w.product = p.id;
        w.accounts = null;
        w.externalId = null;
        w.connection = null;
        if (p.id === "vision-one") w.writer = "app";
        void run("Saving\u2026", async () => {
          await api.chooseProduct(p.id);
          await refreshStatus();
        });
      });
      return h(
        "label",
        { class: `writer ${w.product === p.id ? "selected" : ""}` },
        radio,
        h("strong", {}, p.title),
        h("span", { class: "muted small" }, p.text),
      );
    }),
  );
}

function productQuestion(): Child[] {
  return [h("h2", {}, "Which product do you use?"), productChoice()];
}

/** What the product's connect step is made of; the step itself is the same for both products. */
interface ConnectSpec<C extends Connection> {
  product: Product;
  key: KeyStatus | undefined;
  intro: string;
  /** Shown under the intro. */
  notice: Child;
  regionOptions: Child[];
  /** The label of the choice that shows the API URL field. */
  otherAddress: string;
  urlPlaceholder: string;
  /** Each product's own: the UI and WebDriver tests find the elements by them. */
  testids: {
    region: string;
    url: string;
    apiKey: string;
    keyStatus: string;
    replaceKey: string;
    forgetKey: string;
    connect: string;
    ok: string;
  };
  connect: (endpoint: { region: string | null; url: string | null }, apiKey: string | null) => Promise<C>;
  forgetKey: () => Promise<unknown>;
  /** What else a working connection tells the wizard. */
  connected: (c: C) => void;
}

function conformityConnectSpec(): ConnectSpec<ConformityConnection> {
  const regions = w.status?.regions;
  return {
    product: "conformity",
    key: w.status?.key,
    intro:
      "wa-sync reads your checks with a Conformity API key (Administration > API Keys; a read-only key is enough). " +
      "The key is tested with a live call, then kept in your operating system's keychain, never in a file.",
    notice: null,
    regionOptions: [
      h("optgroup", { label: "Cloud One Conformity" }, ...(regions?.cloud_one ?? []).map((r) => h("option", { value: r }, r))),
      h("optgroup", { label: "Standalone Conformity" }, ...(regions?.standalone ?? []).map((r) => h("option", { value: r }, r))),
    ],
    otherAddress: "Another address (API URL)\u2026",
    urlPlaceholder: "https://conformity.us-1.cloudone.trendmicro.com/api",
    testids: {
      region: "conformity-region",
      url: "conformity-url",
      apiKey: "api-key",
      keyStatus: "key-status",
      replaceKey: "replace-key",
      forgetKey: "forget-key",
      connect: "conformity-connect",
      ok: "conformity-ok",
    },
    connect: api.conformityConnect,
    forgetKey: api.conformityForgetKey,
    connected: (c) => (w.externalId = c.external_id),
  };
}

function visionOneConnectSpec(): ConnectSpec<VisionOneConnection> {
  return {
    product: "vision-one",
    key: w.status?.visionone_key,
    intro:
      "wa-sync reads your Cloud Posture checks with a Vision One API key (Administration > API Keys; a role that can read Cloud Posture is enough). " +
      "The key is tested with a live call, then kept in your operating system's keychain, never in a file.",
    notice: h("p", { class: "warning-box small", testid: "visionone-beta" }, VISION_ONE_BETA),
    regionOptions: (w.status?.visionone_regions ?? []).map((r) => h("option", { value: r }, r)),
    otherAddress: "Another site (API URL)\u2026",
    urlPlaceholder: "https://api.ca.xdr.trendmicro.com",
    testids: {
      region: "visionone-region",
      url: "visionone-url",
      apiKey: "visionone-api-key",
      keyStatus: "visionone-key-status",
      replaceKey: "visionone-replace-key",
      forgetKey: "visionone-forget-key",
      connect: "visionone-connect",
      ok: "visionone-ok",
    },
    connect: api.visionOneConnect,
    forgetKey: api.visionOneForgetKey,
    connected: () => {},
  };
}

/** "Connected to URL: 3 AWS accounts (1 of other clouds left out)." */
function connectedText(c: Connection): string {
  const others = c.other_clouds ? ` (${c.other_clouds} of other clouds left out)` : "";
  return `Connected to ${c.base_url}: ${counted(c.accounts.length, "AWS account")}${others}.`;
}

function conformityStep(): Child[] {
  return w.product === "vision-one" ? connectStep(visionOneConnectSpec()) : connectStep(conformityConnectSpec());
}

function connectStep<C extends Connection>(spec: ConnectSpec<C>): Child[] {
  const { product, key, testids } = spec;
  const name = productName(product);
  const form = w.forms[product];
  const select = h(
    "select",
    { testid: testids.region, "aria-label": `${name} region` },
    ...spec.regionOptions,
    h("option", { value: "__url" }, spec.otherAddress),
  );
  select.value = form.kind === "url" ? "__url" : form.region;
  select.addEventListener("change", () => {
    if (select.value === "__url") form.kind = "url";
    else {
      form.kind = "region";
      form.region = select.value;
    }
    render();
  });
  const url = h("input", {
    type: "url",
    testid: testids.url,
    placeholder: spec.urlPlaceholder,
    "aria-label": `${name} API URL`,
    spellcheck: "false",
    value: form.url,
  });
  url.addEventListener("input", () => (form.url = url.value));
  const hasKey = !!key && key.source !== "none";
  const showKeyInput = !hasKey || form.replacingKey;
  const keyInput = h("input", {
    type: "password",
    testid: testids.apiKey,
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": `${name} API key`,
    placeholder: "Paste the API key",
  });
  const connect = async () => {
    const typed = showKeyInput ? keyInput.value : "";
    keyInput.value = "";
    if (showKeyInput && !typed.trim()) {
      w.error = { code: "bad_input", message: `Paste your ${name} API key first (${name} > Administration > API Keys).` };
      render();
      return;
    }
    const endpoint = form.kind === "url" ? { region: null, url: form.url } : { region: form.region, url: null };
    const c = await run(`Testing the key with ${name}\u2026`, () => spec.connect(endpoint, typed || null));
    if (w.error?.code === "key_host") {
      // The saved key stays with the address it was tested with: ask for it again for this one.
      form.replacingKey = true;
      render();
    }
    if (c) {
      w.connection = c;
      spec.connected(c);
      w.accounts = c.accounts;
      form.replacingKey = false;
      await refreshStatus();
      render();
    }
  };
  keyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connect();
  });
  const problem = key?.keychain_problem;
  return [
    ...productQuestion(),
    h("h2", {}, `Connect to ${name}`),
    h("p", { class: "muted" }, spec.intro),
    spec.notice,
    h("label", { class: "field" }, h("span", {}, "Region"), select),
    form.kind === "url" ? h("label", { class: "field" }, h("span", {}, "API URL"), url) : null,
    h(
      "div",
      { class: "field" },
      h("span", {}, "API key"),
      h(
        "div",
        {},
        h("p", { class: key?.source === "none" ? "muted" : "ok", testid: testids.keyStatus }, key ? keyStatusText(key, product) : "\u2026"),
        showKeyInput ? keyInput : null,
        hasKey && !form.replacingKey
          ? h(
              "div",
              { class: "run-buttons" },
              h("button", { testid: testids.replaceKey, onclick: () => { form.replacingKey = true; render(); } }, "Replace key"),
              key?.saved
                ? h(
                    "button",
                    {
                      testid: testids.forgetKey,
                      onclick: () =>
                        void run("Removing the key from the keychain\u2026", async () => {
                          await spec.forgetKey();
                          w.connection = null;
                          await refreshStatus();
                        }),
                    },
                    "Forget key",
                  )
                : null,
            )
          : null,
      ),
    ),
    problem
      ? h(
          "div",
          { class: "warning-box", testid: "keychain-problem" },
          problem,
          key?.keychain_details
            ? h("details", { testid: "keychain-details" }, h("summary", {}, "Details"), h("p", { class: "mono small" }, key.keychain_details))
            : null,
        )
      : null,
    h(
      "div",
      { class: "run-buttons" },
      h("button", { class: "primary", testid: testids.connect, disabled: !!w.busy, onclick: () => void connect() }, showKeyInput ? "Test and save" : "Test the connection"),
    ),
    w.connection ? h("p", { class: "ok", testid: testids.ok }, connectedText(w.connection)) : null,
    nav(null, { label: "Next: account", step: "account", enabled: reachable("account") }),
  ];
}

// ---------- 2. External ID and account ----------

function accountTable(chosen: string | null, accounts: AccountView[]): HTMLElement {
  return h(
    "table",
    { class: "pick", testid: "account-list" },
    h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Name"), h("th", {}, "AWS account ID"), h("th", {}, "Environment"))),
    h(
      "tbody",
      {},
      ...accounts.map((a) => {
        const radio = h("input", { type: "radio", name: "account", testid: `account-${a.id}`, checked: a.id === chosen });
        const pick = () =>
          void run("Saving\u2026", async () => {
            await api.chooseAccount(a.id);
            await refreshStatus();
          });
        radio.addEventListener("change", pick);
        return h(
          "tr",
          { class: a.id === chosen ? "selected" : "" },
          h("td", {}, radio),
          h("td", {}, a.name),
          h("td", { class: "mono" }, a.aws_account_id ?? "\u2013"),
          h("td", { class: "muted" }, a.environment ?? ""),
        );
      }),
    ),
  );
}

function visionOneAccountStep(): Child[] {
  const chosen = w.status?.settings.account?.id ?? null;
  const accounts = w.accounts ?? [];
  return [
    h("h2", {}, "Which Vision One account's checks?"),
    h(
      "p",
      { class: "muted" },
      "The AWS accounts connected to Vision One Cloud Posture. Vision One has no organisation external ID and no hosted sync: wa-sync writes the notes itself, with your AWS credentials or a role you choose.",
    ),
    accounts.length === 0 && w.accounts !== null
      ? h("p", { class: "muted", testid: "no-accounts" }, "Vision One has no AWS accounts connected (Cloud Accounts in Vision One).")
      : accountTable(chosen, accounts),
    nav("conformity", { label: "Next: AWS workload", step: "aws", enabled: !!chosen }),
  ];
}

function accountStep(): Child[] {
  if (w.product === "vision-one") return visionOneAccountStep();
  const chosen = w.status?.settings.account?.id ?? null;
  const accounts = w.accounts ?? [];
  return [
    h("h2", {}, "Your external ID and the Conformity account"),
    h(
      "p",
      { class: "muted" },
      "The external ID is your Conformity organisation's. The role's trust policy demands it, so nobody else can make Conformity or wa-sync use your role.",
    ),
    h(
      "div",
      { class: "external-id" },
      h("span", {}, "External ID"),
      h("code", { testid: "external-id" }, w.externalId ?? "\u2026"),
      h(
        "button",
        {
          testid: "copy-external-id",
          disabled: !w.externalId,
          onclick: () => {
            void navigator.clipboard
              ?.writeText(w.externalId ?? "")
              .then(() => {
                w.copied = true;
                render();
              })
              .catch(() => {
                w.error = { code: "unavailable", message: "Could not copy: select the ID and copy it by hand." };
                render();
              });
          },
        },
        w.copied ? "Copied" : "Copy",
      ),
    ),
    h("h3", {}, "Which Conformity account's checks?"),
    accounts.length === 0 && w.accounts !== null
      ? h("p", { class: "muted", testid: "no-accounts" }, "This Conformity organisation has no AWS accounts.")
      : accountTable(chosen, accounts),
    nav("conformity", { label: "Next: AWS workload", step: "aws", enabled: !!chosen }),
  ];
}

// ---------- 3. AWS ----------

function awsStep(): Child[] {
  const profile = h(
    "select",
    { testid: "aws-profile", "aria-label": "AWS profile" },
    h("option", { value: "" }, "Default credential chain (environment, default profile, SSO, instance role)"),
    ...w.profiles.map((p) =>
      h("option", { value: p.name }, `${p.name}${p.kind === "sso" ? " (SSO)" : p.kind === "role" ? " (role)" : ""}${p.region ? ` \u00b7 ${p.region}` : ""}`),
    ),
  );
  profile.value = w.profile;
  profile.addEventListener("change", () => {
    w.profile = profile.value;
    const p = w.profiles.find((x) => x.name === profile.value);
    if (p?.region) w.awsRegion = p.region;
    w.workloads = null;
    render();
  });
  const region = h("input", { type: "text", testid: "aws-region", list: "aws-regions", value: w.awsRegion, "aria-label": "AWS region", spellcheck: "false" });
  region.addEventListener("change", () => {
    w.awsRegion = region.value.trim();
    w.workloads = null;
  });
  const list = async () => {
    w.awsRegion = region.value.trim();
    const r = await run("Asking AWS for your workloads\u2026", () => api.awsWorkloads(w.profile || null, w.awsRegion));
    if (r) w.workloads = r;
    render();
  };
  const chosenArn = w.status?.settings.aws?.workload_arn ?? null;
  const account = w.status?.settings.account;
  const sso = w.profiles.find((p) => p.name === w.profile)?.kind === "sso";
  return [
    h("h2", {}, "The AWS side"),
    h(
      "p",
      { class: "muted" },
      "wa-sync uses the credentials of your AWS config, never its own. Pick the profile that can see the workload, and the workload whose notes get the Check Summary Reports.",
    ),
    h("label", { class: "field" }, h("span", {}, "Profile"), profile),
    sso
      ? h("p", { class: "muted small", testid: "sso-note" }, `This profile signs in with SSO. If wa-sync says a login is needed, run: aws sso login --profile ${w.profile}`)
      : null,
    h("label", { class: "field" }, h("span", {}, "Region"), region),
    h("datalist", { id: "aws-regions" }, ...AWS_REGIONS.map((r) => h("option", { value: r }))),
    h("div", { class: "run-buttons" }, h("button", { class: "primary", testid: "list-workloads", disabled: !!w.busy, onclick: () => void list() }, "List workloads")),
    w.workloads
      ? h(
          "div",
          {},
          h("p", { class: "muted small", testid: "aws-identity" }, `Signed in as ${w.workloads.caller_arn} (account ${w.workloads.caller_account}).`),
          account?.aws_account_id
            ? h("p", { class: "muted small" }, `The ${productName(w.product)} account \u201c${account.name}\u201d is AWS account ${account.aws_account_id}; the role must be in the workload's account.`)
            : null,
          w.workloads.workloads.length === 0
            ? h("p", { class: "warning", testid: "no-workloads" }, `No workloads in ${w.awsRegion} for these credentials. Create one in the Well-Architected Tool, or try another region or profile.`)
            : h(
                "table",
                { class: "pick", testid: "workload-list" },
                h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Workload"), h("th", {}, "AWS account"), h("th", {}, ""))),
                h(
                  "tbody",
                  {},
                  ...w.workloads.workloads.map((wl) => {
                    const radio = h("input", { type: "radio", name: "workload", testid: `workload-${wl.name}`, checked: wl.arn === (w.picked ?? chosenArn), disabled: !wl.has_lens });
                    radio.addEventListener("change", () => {
                      w.picked = wl.arn;
                      void run("Saving\u2026", async () => {
                        await api.chooseWorkload(w.profile || null, w.awsRegion, wl.arn);
                        await refreshStatus();
                      });
                    });
                    return h(
                      "tr",
                      { class: wl.arn === chosenArn ? "selected" : "", testid: `workload-row-${wl.name}` },
                      h("td", {}, radio),
                      h("td", {}, wl.name, h("div", { class: "mono small muted" }, wl.arn)),
                      h("td", { class: "mono" }, wl.account_id),
                      h("td", {}, ...workloadFlags(wl, w.product).map((f) => h("span", { class: `flag ${f.tone}` }, f.text))),
                    );
                  }),
                ),
              ),
        )
      : null,
    nav("account", { label: "Next: IAM role", step: "role", enabled: !!chosenArn }),
  ];
}

// ---------- 4. IAM role ----------

/** Creates or updates the role; without `adopt`, a role or policy wa-sync did not make is only shown. */
async function createRole(adopt: boolean): Promise<void> {
  await run(adopt ? "Taking over the role\u2026" : "Creating the role\u2026", async () => {
    const c = await api.iamCreate(w.writer, w.roleName, adopt);
    w.adoption = c.adoption;
    w.created = c.adoption ? null : c;
    if (!c.adoption) {
      w.roleArnInput = c.role_arn;
      await refreshStatus();
    }
  });
}

/** The confirmation before taking over a role or policy wa-sync did not make: its trust policy now, and after. */
function adoptionBox(a: IamAdoption): HTMLElement {
  return h(
    "div",
    { class: "warning-box", testid: "iam-adopt" },
    h(
      "p",
      { testid: "adopt-what" },
      `${a.foreign.join(" and ")} already ${a.foreign.length === 1 ? "exists" : "exist"} and ${a.foreign.length === 1 ? "was" : "were"} not made by wa-sync. ` +
        "Nothing was changed. Taking over replaces the role's trust policy and attaches wa-sync's policy; anyone who relies on the current trust loses it.",
    ),
    h(
      "div",
      { class: "policies" },
      h("div", {}, h("h4", {}, "Trust policy now"), h("pre", { class: "policy", testid: "adopt-current-trust" }, a.current_trust_policy ?? "(the role is wa-sync's or absent; only the policy is taken over)")),
      h("div", {}, h("h4", {}, "Trust policy after"), h("pre", { class: "policy", testid: "adopt-new-trust" }, a.new_trust_policy)),
    ),
    h(
      "div",
      { class: "run-buttons" },
      h("button", { class: "primary", testid: "adopt-confirm", disabled: !!w.busy, onclick: () => void createRole(true) }, "Take it over"),
      h("button", { testid: "adopt-cancel", disabled: !!w.busy, onclick: () => { w.adoption = null; render(); } }, "Keep it as it is"),
    ),
  );
}

function roleStep(): Child[] {
  const p = w.plan;
  const writers = h(
    "div",
    { class: "writers", testid: "writer-choice" },
    ...writersFor(w.product).map((x) => {
      const radio = h("input", { type: "radio", name: "writer", testid: `writer-${x.id}`, checked: w.writer === x.id });
      radio.addEventListener("change", () => {
        w.writer = x.id;
        w.verify = null;
        void loadPlan();
      });
      return h("label", { class: `writer ${w.writer === x.id ? "selected" : ""}` }, radio, h("strong", {}, x.title), h("span", { class: "muted small" }, x.text));
    }),
  );
  const name = h("input", { type: "text", testid: "role-name", value: w.roleName, "aria-label": "Role name", spellcheck: "false" });
  name.addEventListener("change", () => {
    w.roleName = name.value.trim();
    void loadPlan();
  });
  const arn = h("input", { type: "text", testid: "role-arn", value: w.roleArnInput, placeholder: p?.role_arn ?? "arn:aws:iam::123456789012:role/WaSyncWellArchitectedNotes", "aria-label": "Role ARN", spellcheck: "false" });
  arn.addEventListener("input", () => (w.roleArnInput = arn.value));
  const role = w.status?.settings.role;
  const v = w.verify;
  const v1 = w.product === "vision-one";
  const extId = h("input", {
    type: "text",
    testid: "role-external-id",
    value: w.externalIdInput,
    placeholder: "optional",
    "aria-label": "External ID (optional)",
    spellcheck: "false",
  });
  extId.addEventListener("input", () => (w.externalIdInput = extId.value));
  const saveExtId = () => {
    const problem = externalIdProblem(w.externalIdInput);
    if (problem) {
      w.error = { code: "bad_input", message: `Cannot use this external ID: ${problem}.` };
      render();
      return;
    }
    void run("Saving\u2026", async () => {
      await api.setExternalId(w.externalIdInput.trim() || null);
      w.verify = null;
      await refreshStatus();
    }).then(() => loadPlan());
  };
  return [
    h("h2", {}, "A least-privilege IAM role"),
    v1
      ? h(
          "p",
          { class: "muted", testid: "role-intro" },
          "wa-sync on this computer writes the notes, with your AWS credentials or through a role you choose. The role may only read and write the notes of this one workload. " +
            "An external ID is optional with Vision One: set one if your policy asks for it; without one, wa-sync assumes the role without an external ID.",
        )
      : h("p", { class: "muted", testid: "role-intro" }, "Who writes the notes? The role may only read and write the notes of this one workload, and only with your external ID."),
    writers,
    v1
      ? h(
          "div",
          { class: "field" },
          h("span", {}, "External ID"),
          h("div", { class: "tag-add" }, extId, h("button", { testid: "save-external-id", disabled: !!w.busy, onclick: saveExtId }, "Use this external ID")),
        )
      : null,
    h("label", { class: "field" }, h("span", {}, "Role name"), name),
    p
      ? h(
          "div",
          { testid: "iam-plan" },
          ...p.warnings.map((x) => h("p", { class: "warning", testid: "iam-warning" }, x)),
          h(
            "p",
            { class: "small" },
            "Role: ",
            h("code", { testid: "plan-role-arn" }, p.role_arn),
            ` \u00b7 external ID `,
            p.external_id ? h("code", { testid: "plan-external-id" }, p.external_id) : h("span", { testid: "plan-external-id" }, "none"),
          ),
          h(
            "div",
            { class: "policies" },
            h("div", {}, h("h4", {}, `Permissions policy (${p.policy_name})`), h("pre", { class: "policy", testid: "permissions-policy" }, p.permissions_policy)),
            h("div", {}, h("h4", {}, "Trust policy"), h("pre", { class: "policy", testid: "trust-policy" }, p.trust_policy)),
          ),
          h(
            "div",
            { class: "role-actions" },
            h(
              "div",
              { class: "role-action" },
              h("h4", {}, "Create it from here"),
              h("p", { class: "muted small" }, "Uses your profile's IAM rights; running it again updates the role and policy."),
              h(
                "button",
                {
                  class: "primary",
                  testid: "iam-create",
                  disabled: !!w.busy,
                  onclick: () => void createRole(false),
                },
                "Create or update the role",
              ),
              w.adoption ? adoptionBox(w.adoption) : null,
              w.created ? h("p", { class: "ok small", testid: "iam-created" }, w.created.summary) : null,
            ),
            h(
              "div",
              { class: "role-action" },
              h("h4", {}, "Or save the files"),
              h("p", { class: "muted small" }, "The two policies and a script for the AWS CLI, for someone with IAM rights. You choose the folder."),
              h(
                "button",
                {
                  testid: "iam-export",
                  disabled: !!w.busy,
                  onclick: () =>
                    void run("Saving the files\u2026", async () => {
                      const exported = await api.iamExport(w.writer, w.roleName);
                      if (exported) w.exported = exported;
                      await refreshStatus();
                    }),
                },
                "Save the files\u2026",
              ),
              w.exported ? h("ul", { class: "small", testid: "iam-exported" }, ...w.exported.files.map((f) => h("li", { class: "mono" }, f))) : null,
              h("p", { class: "muted small" }, "Then paste the ARN the script prints:"),
              arn,
              h(
                "button",
                {
                  testid: "set-role-arn",
                  disabled: !!w.busy,
                  onclick: () =>
                    void run("Saving\u2026", async () => {
                      await api.setRoleArn(w.writer, w.roleArnInput);
                      await refreshStatus();
                    }),
                },
                "Use this role",
              ),
            ),
          ),
        )
      : null,
    h(
      "div",
      { class: "verify" },
      h("h3", {}, "Verify"),
      h("p", { class: "muted small" }, role?.role_arn
          ? `Assumes ${role.role_arn} ${v1 && !role.external_id ? "without an external ID" : "with the external ID"} and reads the workload as a sync would.` : "Create the role (or enter its ARN) first."),
      h(
        "button",
        {
          class: "primary",
          testid: "iam-verify",
          disabled: !!w.busy || !role?.role_arn,
          onclick: () =>
            void run("Assuming the role and reading the workload\u2026", async () => {
              w.verify = await api.iamVerify();
              await refreshStatus();
            }),
        },
        "Verify the role",
      ),
      v
        ? h(
            "div",
            { testid: "verify-result" },
            h("p", { class: v.ok ? "ok" : "error", testid: "verify-summary" }, v.ok ? "The role works: wa-sync can read and write this workload's notes." : "The role does not work yet:"),
            h(
              "table",
              { class: "checks" },
              h(
                "tbody",
                {},
                ...v.checks.map((c) =>
                  h(
                    "tr",
                    { testid: `verify-${c.check}`, class: c.ok ? "" : "failed" },
                    h("td", {}, h("span", { class: `flag ${c.ok ? "ok" : "bad"}` }, c.ok ? "ok" : "missing")),
                    h("td", { class: "mono small" }, c.check),
                    h("td", { class: "small" }, c.detail, c.fix ? h("div", { class: "fix", testid: "verify-fix" }, c.fix) : null),
                  ),
                ),
              ),
            ),
          )
        : null,
    ),
    nav("aws", { label: role?.role_arn ? "Next" : "Skip: write with my own credentials", step: "done", enabled: true }),
  ];
}

// ---------- 5. Done ----------

function doneStep(): Child[] {
  const s = w.status?.settings;
  const row = (label: string, value: string, testid: string) => h("tr", { testid }, h("th", {}, label), h("td", {}, value));
  return [
    h("h2", {}, "Ready"),
    h(
      "table",
      { class: "summary-table", testid: "setup-summary" },
      h(
        "tbody",
        {},
        w.product === "vision-one"
          ? row("Vision One", `${s?.vision_one?.url ?? s?.vision_one?.region ?? "\u2013"} (Cloud Posture, beta endpoints)`, "summary-conformity")
          : row("Conformity", s?.conformity?.url ?? s?.conformity?.region ?? "\u2013", "summary-conformity"),
        row(
          "API key",
          w.status ? (w.product === "vision-one" ? keyStatusText(w.status.visionone_key, "vision-one") : keyStatusText(w.status.key)) : "",
          "summary-key",
        ),
        row("Account", s?.account ? `${s.account.name} (${s.account.aws_account_id ?? "no AWS ID"})` : "\u2013", "summary-account"),
        row("Workload", s?.aws?.workload_name ? `${s.aws.workload_name} \u00b7 ${s.aws.region} \u00b7 profile ${s.aws.profile ?? "default chain"}` : "none: previews only", "summary-workload"),
        row(
          "Role",
          s?.role?.role_arn
            ? `${s.role.role_arn}${w.product === "vision-one" ? (s.role.external_id ? ` (external ID ${s.role.external_id})` : " (no external ID)") : ""}${s.role.verified_at ? ` (verified ${s.role.verified_at})` : " (not verified)"}`
            : "none: your own credentials write",
          "summary-role",
        ),
      ),
    ),
    h("p", { class: "muted small" }, `Settings (no secrets) are kept in ${w.status?.settings_path ?? "the app's config folder"}. Change them any time from the connection badge.`),
    h(
      "div",
      { class: "wizard-nav" },
      h("button", { testid: "wizard-back", onclick: () => void enterStep("role") }, "Back"),
      h(
        "button",
        {
          class: "primary",
          testid: "finish-setup",
          disabled: !s?.account || !!w.busy,
          onclick: () =>
            void run("Saving\u2026", async () => {
              await api.finishSetup();
              hooks.onChange();
              leave(hooks.onDone);
            }),
        },
        "Open the preview",
      ),
    ),
  ];
}
