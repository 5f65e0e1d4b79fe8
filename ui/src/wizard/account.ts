// Step 2: the account whose checks are read, and with Conformity its organisation's external ID.

import { api } from "../api";
import type { AccountView } from "../bindings/AccountView";
import { type Child, h } from "../dom";
import { refreshStatus, run } from "./flow";
import { nav } from "./nav";
import { w } from "./state";

function accountTable(chosen: string | null, accounts: AccountView[]): HTMLElement {
  return h(
    "table",
    { class: "pick", testid: "account-list" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, ""), h("th", {}, "Name"), h("th", {}, "AWS account ID"), h("th", {}, "Environment")),
    ),
    h(
      "tbody",
      {},
      ...accounts.map((a) => {
        const radio = h("input", {
          type: "radio",
          name: "account",
          testid: `account-${a.id}`,
          checked: a.id === chosen,
        });
        radio.addEventListener("change", () => {
          void run("Saving\u2026", async () => {
            await api.chooseAccount(a.id);
            await refreshStatus();
          });
        });
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

/** The account list, or why there is none. */
function accounts(chosen: string | null, none: string): HTMLElement {
  const list = w.accounts.value;
  return list !== null && list.length === 0
    ? h("p", { class: "muted", testid: "no-accounts" }, none)
    : accountTable(chosen, list ?? []);
}

function visionOneAccountStep(chosen: string | null): Child[] {
  return [
    h("h2", {}, "Which Vision One account's checks?"),
    h(
      "p",
      { class: "muted" },
      "The AWS accounts connected to Vision One Cloud Posture. Vision One has no organisation external ID and no hosted sync: wa-sync writes the notes itself, with your AWS credentials or a role you choose.",
    ),
    accounts(chosen, "Vision One has no AWS accounts connected (Cloud Accounts in Vision One)."),
    nav("conformity", { label: "Next: AWS workload", step: "aws", enabled: !!chosen }),
  ];
}

function copyExternalId(): void {
  // Where the clipboard is refused, the ID stays on screen to select by hand; that is no error of
  // the setup, so it is said beside the button, not in the step's error line.
  void navigator.clipboard
    ?.writeText(w.externalId.value ?? "")
    .then(() => {
      w.copy.value = "copied";
    })
    .catch(() => {
      w.copy.value = "failed";
    });
}

function externalIdRow(): Child[] {
  const id = w.externalId.value;
  const copy = w.copy.value;
  return [
    h(
      "div",
      { class: "external-id" },
      h("span", {}, "External ID"),
      h("code", { testid: "external-id" }, id ?? "\u2026"),
      h(
        "button",
        { testid: "copy-external-id", disabled: !id, onclick: copyExternalId },
        copy === "copied" ? "Copied" : "Copy",
      ),
    ),
    copy === "failed"
      ? h("p", { class: "warning small", testid: "copy-failed" }, "Could not copy: select the ID and copy it by hand.")
      : null,
  ];
}

export function accountStep(): Child[] {
  const chosen = w.status.value?.settings.account?.id ?? null;
  if (w.product.value === "vision-one") return visionOneAccountStep(chosen);
  return [
    h("h2", {}, "Your external ID and the Conformity account"),
    h(
      "p",
      { class: "muted" },
      "The external ID is your Conformity organisation's. The role's trust policy demands it, so nobody else can make Conformity or wa-sync use your role.",
    ),
    ...externalIdRow(),
    h("h3", {}, "Which Conformity account's checks?"),
    accounts(chosen, "This Conformity organisation has no AWS accounts."),
    nav("conformity", { label: "Next: AWS workload", step: "aws", enabled: !!chosen }),
  ];
}
