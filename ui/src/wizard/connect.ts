// Step 1: which product, and its connection: region or API URL, and the API key, which is sent
// once to the Rust side and cleared from the field; the UI never gets it back.

import { batch } from "@preact/signals-core";
import { api } from "../api";
import type { KeyStatus } from "../bindings/KeyStatus";
import type { Product } from "../bindings/Product";
import { type Child, h } from "../dom";
import { counted } from "../model";
import { keyStatusText, PRODUCTS, productName, VISION_ONE_BETA } from "../setup-model";
import { reachable, refreshStatus, run } from "./flow";
import { nav } from "./nav";
import { type Connection, updateForm, w } from "./state";

function productChoice(): HTMLElement {
  return h(
    "div",
    { class: "writers", testid: "product-choice" },
    ...PRODUCTS.map((p) => {
      const radio = h("input", {
        type: "radio",
        name: "product",
        testid: `product-${p.id}`,
        checked: w.product.value === p.id,
      });
      radio.addEventListener("change", () => chooseProduct(p.id));
      return h(
        "label",
        { class: `writer ${w.product.value === p.id ? "selected" : ""}` },
        radio,
        h("strong", {}, p.title),
        h("span", { class: "muted small" }, p.text),
      );
    }),
  );
}

function chooseProduct(product: Product): void {
  if (w.product.value === product) return;
  batch(() => {
    w.product.value = product;
    w.accounts.value = null;
    w.externalId.value = null;
    w.connection.value = null;
    if (product === "vision-one") w.writer.value = "app";
  });
  void run("Saving\u2026", async () => {
    await api.chooseProduct(product);
    await refreshStatus();
  });
}

/** What a product's connect step is made of; the step itself is the same for both products. */
interface ConnectSpec {
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
  testids: Record<"region" | "url" | "apiKey" | "keyStatus" | "replaceKey" | "forgetKey" | "connect" | "ok", string>;
  connect: (endpoint: { region: string | null; url: string | null }, apiKey: string | null) => Promise<Connection>;
  forgetKey: () => Promise<unknown>;
}

function conformitySpec(): ConnectSpec {
  const regions = w.status.value?.regions;
  return {
    product: "conformity",
    key: w.status.value?.key,
    intro:
      "wa-sync reads your checks with a Conformity API key (Administration > API Keys; a read-only key is enough). " +
      "The key is tested with a live call, then kept in your operating system's keychain, never in a file.",
    notice: null,
    regionOptions: [
      h(
        "optgroup",
        { label: "Cloud One Conformity" },
        ...(regions?.cloud_one ?? []).map((r) => h("option", { value: r }, r)),
      ),
      h(
        "optgroup",
        { label: "Standalone Conformity" },
        ...(regions?.standalone ?? []).map((r) => h("option", { value: r }, r)),
      ),
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
    connect: async (endpoint, apiKey) => {
      const c = await api.conformityConnect(endpoint, apiKey);
      w.externalId.value = c.external_id;
      return c;
    },
    forgetKey: api.conformityForgetKey,
  };
}

function visionOneSpec(): ConnectSpec {
  return {
    product: "vision-one",
    key: w.status.value?.visionone_key,
    intro:
      "wa-sync reads your Cloud Posture checks with a Vision One API key (Administration > API Keys; a role that can read Cloud Posture is enough). " +
      "The key is tested with a live call, then kept in your operating system's keychain, never in a file.",
    notice: h("p", { class: "warning-box small", testid: "visionone-beta" }, VISION_ONE_BETA),
    regionOptions: (w.status.value?.visionone_regions ?? []).map((r) => h("option", { value: r }, r)),
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
  };
}

/** "Connected to URL: 3 AWS accounts (1 of other clouds left out)." */
function connectedText(c: Connection): string {
  const others = c.other_clouds ? ` (${c.other_clouds} of other clouds left out)` : "";
  return `Connected to ${c.base_url}: ${counted(c.accounts.length, "AWS account")}${others}.`;
}

function endpointFields(spec: ConnectSpec): Child[] {
  const { product, testids } = spec;
  const name = productName(product);
  const form = w.forms.value[product];
  const select = h(
    "select",
    { testid: testids.region, "aria-label": `${name} region` },
    ...spec.regionOptions,
    h("option", { value: "__url" }, spec.otherAddress),
  );
  select.value = form.kind === "url" ? "__url" : form.region;
  select.addEventListener("change", () => {
    if (select.value === "__url") updateForm(product, { kind: "url" });
    else updateForm(product, { kind: "region", region: select.value });
  });
  const url = h("input", {
    type: "url",
    testid: testids.url,
    placeholder: spec.urlPlaceholder,
    "aria-label": `${name} API URL`,
    spellcheck: "false",
    value: w.urls.peek()[product],
  });
  url.addEventListener("input", () => {
    w.urls.value = { ...w.urls.peek(), [product]: url.value };
  });
  return [
    h("label", { class: "field" }, h("span", {}, "Region"), select),
    form.kind === "url" ? h("label", { class: "field" }, h("span", {}, "API URL"), url) : null,
  ];
}

/** Tests the key (the typed one, or the saved one) with a live call, and saves it if it works. */
async function connect(spec: ConnectSpec, keyInput: HTMLInputElement, showKeyInput: boolean): Promise<void> {
  const { product } = spec;
  const name = productName(product);
  const typed = showKeyInput ? keyInput.value : "";
  keyInput.value = "";
  if (showKeyInput && !typed.trim()) {
    w.error.value = {
      code: "bad_input",
      message: `Paste your ${name} API key first (${name} > Administration > API Keys).`,
    };
    return;
  }
  const form = w.forms.value[product];
  const endpoint =
    form.kind === "url" ? { region: null, url: w.urls.value[product] } : { region: form.region, url: null };
  const c = await run(`Testing the key with ${name}\u2026`, () => spec.connect(endpoint, typed || null));
  if (w.error.value?.code === "key_host") {
    // The saved key stays with the address it was tested with: ask for it again for this one.
    updateForm(product, { replacingKey: true });
  }
  if (c) {
    batch(() => {
      w.connection.value = c;
      w.accounts.value = c.accounts;
      updateForm(product, { replacingKey: false });
    });
    await refreshStatus();
  }
}

function keyButtons(spec: ConnectSpec): HTMLElement {
  const { product, testids } = spec;
  return h(
    "div",
    { class: "run-buttons" },
    h(
      "button",
      { testid: testids.replaceKey, onclick: () => updateForm(product, { replacingKey: true }) },
      "Replace key",
    ),
    spec.key?.saved
      ? h(
          "button",
          {
            testid: testids.forgetKey,
            onclick: () =>
              void run("Removing the key from the keychain\u2026", async () => {
                await spec.forgetKey();
                w.connection.value = null;
                await refreshStatus();
              }),
          },
          "Forget key",
        )
      : null,
  );
}

function keychainProblem(key: KeyStatus | undefined): HTMLElement | null {
  const problem = key?.keychain_problem;
  if (!problem) return null;
  return h(
    "div",
    { class: "warning-box", testid: "keychain-problem" },
    problem,
    key?.keychain_details
      ? h(
          "details",
          { testid: "keychain-details" },
          h("summary", {}, "Details"),
          h("p", { class: "mono small" }, key.keychain_details),
        )
      : null,
  );
}

function connectStep(spec: ConnectSpec): Child[] {
  const { product, key, testids } = spec;
  const name = productName(product);
  const replacingKey = w.forms.value[product].replacingKey;
  const hasKey = !!key && key.source !== "none";
  const showKeyInput = !hasKey || replacingKey;
  const keyInput = h("input", {
    type: "password",
    testid: testids.apiKey,
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": `${name} API key`,
    placeholder: "Paste the API key",
  });
  keyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connect(spec, keyInput, showKeyInput);
  });
  const connection = w.connection.value;
  return [
    h("h2", {}, "Which product do you use?"),
    productChoice(),
    h("h2", {}, `Connect to ${name}`),
    h("p", { class: "muted" }, spec.intro),
    spec.notice,
    ...endpointFields(spec),
    h(
      "div",
      { class: "field" },
      h("span", {}, "API key"),
      h(
        "div",
        {},
        h(
          "p",
          { class: key?.source === "none" ? "muted" : "ok", testid: testids.keyStatus },
          key ? keyStatusText(key, product) : "\u2026",
        ),
        showKeyInput ? keyInput : null,
        hasKey && !replacingKey ? keyButtons(spec) : null,
      ),
    ),
    keychainProblem(key),
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        {
          class: "primary",
          testid: testids.connect,
          disabled: !!w.busy.value,
          onclick: () => void connect(spec, keyInput, showKeyInput),
        },
        showKeyInput ? "Test and save" : "Test the connection",
      ),
    ),
    connection ? h("p", { class: "ok", testid: testids.ok }, connectedText(connection)) : null,
    nav(null, { label: "Next: account", step: "account", enabled: reachable("account") }),
  ];
}

export function conformityStep(): Child[] {
  return connectStep(w.product.value === "vision-one" ? visionOneSpec() : conformitySpec());
}
