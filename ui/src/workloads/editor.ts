// The Workloads screen's target editor: name, source, the accounts picked from the source's list,
// the tag filter, the workload picked from the list the AWS credentials see (or pasted), the role,
// and the notes mode; what is wrong is said before anything is saved.

import { batch, effect } from "@preact/signals-core";
import { type Child, h } from "../dom";
import * as s from "../state";
import { TAG_HELP, TAG_RULES_VISION_ONE, tagProblem } from "../tags";
import { mount, type Unmount, unmountAll } from "../view";
import {
  addEditorTag,
  closeEditor,
  loadAccounts,
  loadWorkloads,
  removeEditorTag,
  saveTarget,
  toggleAccount,
} from "./actions";
import type { TargetDraft } from "./model";
import * as w from "./state";

function field(label: string, control: HTMLElement, help?: string): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    h("div", {}, control, help ? h("p", { class: "muted small" }, help) : null),
  );
}

function textInput(testid: string, value: string, placeholder: string, set: (v: string) => void): HTMLInputElement {
  const input = h("input", { type: "text", testid, value, placeholder, spellcheck: "false" });
  input.addEventListener("input", () => set(input.value));
  return input;
}

function accountPicker(draft: TargetDraft): Child[] {
  const accounts = w.editorAccounts.value;
  const ticked = w.editorAccountIds.value;
  const extra = ticked.filter((id) => !accounts?.some((a) => a.id === id));
  const row = (id: string, label: string) => {
    const box = h("input", { type: "checkbox", testid: `target-account-${id}`, checked: ticked.includes(id) });
    box.addEventListener("change", () => toggleAccount(id, (box as HTMLInputElement).checked));
    return h("label", { class: "account-option" }, box, ` ${label}`);
  };
  return [
    ...(accounts ?? []).map((a) =>
      row(
        a.id,
        `${a.name}${a.aws_account_id ? ` \u00b7 AWS ${a.aws_account_id}` : ""}${a.environment ? ` \u00b7 ${a.environment}` : ""}`,
      ),
    ),
    ...extra.map((id) => row(id, id)),
    accounts === null
      ? h(
          "button",
          { testid: "target-load-accounts", disabled: !!w.editorBusy.value, onclick: () => void loadAccounts(draft) },
          "List the accounts",
        )
      : accounts.length === 0
        ? h("p", { class: "muted small" }, "This product lists no AWS accounts for the key in use.")
        : null,
  ];
}

function tagChips(): Child[] {
  const chips = w.editorTags.value;
  if (chips.length === 0) return [h("span", { class: "muted small" }, "No tags: every check of the accounts counts.")];
  return chips.map((chip) =>
    h(
      "span",
      { class: "chip", testid: "target-tag-chip" },
      chip,
      h("button", { class: "chip-x", "aria-label": `Remove ${chip}`, onclick: () => removeEditorTag(chip) }, "\u00d7"),
    ),
  );
}

function workloadPicker(draft: TargetDraft, arnInput: HTMLInputElement): Child {
  const list = w.editorWorkloads.value;
  if (!list) return null;
  if (list.workloads.length === 0) {
    return h("p", { class: "muted small" }, `No workloads for ${list.caller_arn} in this region.`);
  }
  const select = h(
    "select",
    { testid: "target-workload-select" },
    h("option", { value: "" }, "Pick a workload\u2026"),
    ...list.workloads.map((wl) =>
      h(
        "option",
        { value: wl.arn, selected: wl.arn === draft.workloadArn },
        `${wl.name} (${wl.account_id}, ${wl.region})`,
      ),
    ),
  );
  select.addEventListener("change", () => {
    draft.workloadArn = select.value;
    arnInput.value = select.value;
  });
  return select;
}

export function mountEditor(card: HTMLElement): Unmount {
  let inner: Unmount = () => {};
  const stop = effect(() => {
    const editing = w.editing.value;
    inner();
    inner = () => {};
    if (!editing) {
      card.hidden = true;
      card.replaceChildren();
      return;
    }
    card.hidden = false;
    const draft: TargetDraft = { ...editing.draft };
    const source = h(
      "select",
      { testid: "target-source" },
      h("option", { value: "vision-one", selected: draft.source === "vision-one" }, "Trend Vision One Cloud Posture"),
      h("option", { value: "conformity", selected: draft.source === "conformity" }, "Cloud One Conformity"),
    );
    const accounts = h("div", { class: "accounts", testid: "target-accounts" });
    source.addEventListener("change", () => {
      draft.source = source.value === "conformity" ? "conformity" : "vision-one";
      batch(() => {
        w.editorSource.value = draft.source;
        // Another product's accounts: list them again.
        w.editorAccounts.value = null;
      });
    });
    const tagInput = h("input", {
      type: "text",
      testid: "target-tag-input",
      placeholder: "Environment::production",
      spellcheck: "false",
    });
    const addTag = () => {
      if (addEditorTag(tagInput.value, draft.source === "vision-one", tagProblem)) tagInput.value = "";
    };
    tagInput.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") addTag();
    });
    const chips = h("div", { class: "chips", testid: "target-tags" });
    const arnInput = textInput("target-workload-arn", draft.workloadArn, "arn:aws:wellarchitected:\u2026", (v) => {
      draft.workloadArn = v;
    });
    const profile = textInput("target-profile", draft.profile, "default credential chain", (v) => {
      draft.profile = v;
    });
    const region = h("input", {
      type: "text",
      testid: "target-region",
      value: s.setup.peek()?.settings.aws?.region ?? "us-east-1",
      spellcheck: "false",
    });
    const workloads = h("div", { class: "slot" });
    const notesMode = h(
      "select",
      { testid: "target-notes-mode" },
      h(
        "option",
        { value: "replace-block", selected: draft.notesMode === "replace-block" },
        "Replace wa-sync's block, keep the reviewer's text",
      ),
      h(
        "option",
        { value: "overwrite", selected: draft.notesMode === "overwrite" },
        "Overwrite the notes (as Conformity's own sync)",
      ),
    );
    notesMode.addEventListener("change", () => {
      draft.notesMode = notesMode.value === "overwrite" ? "overwrite" : "replace-block";
    });
    const problems = h("div", { class: "slot" });
    const tagHelp = h("p", { class: "help", testid: "target-tag-help" });
    card.replaceChildren(
      h("h3", {}, editing.previous ? `Edit \u201c${editing.previous}\u201d` : "Add a target"),
      field(
        "Name",
        textInput("target-name", draft.name, "payments-prod", (v) => {
          draft.name = v;
        }),
        "How the plan, the command line (--target NAME) and the history call it.",
      ),
      field("Source", source),
      field("Accounts", accounts, "One or more: their checks are counted together, each under its own rule settings."),
      field(
        "Tag filter",
        h(
          "div",
          {},
          chips,
          h(
            "div",
            { class: "tag-add" },
            tagInput,
            h("button", { testid: "target-tag-add", onclick: addTag }, "Add tag"),
          ),
          tagHelp,
        ),
      ),
      field(
        "Workload",
        h(
          "div",
          {},
          h(
            "div",
            { class: "tag-add" },
            profile,
            region,
            h(
              "button",
              {
                testid: "target-load-workloads",
                onclick: () => void loadWorkloads(profile.value, region.value),
              },
              "List workloads",
            ),
          ),
          workloads,
          arnInput,
        ),
        "The AWS profile (empty: the default credentials) and region to list the workloads with; or paste the workload's ARN.",
      ),
      field(
        "Role",
        h(
          "div",
          {},
          textInput(
            "target-role-arn",
            draft.roleArn,
            "arn:aws:iam::111122223333:role/WaSyncNotesWriter (optional)",
            (v) => {
              draft.roleArn = v;
            },
          ),
          textInput("target-external-id", draft.externalId, "external ID (optional; Conformity: looked up)", (v) => {
            draft.externalId = v;
          }),
        ),
        "The least-privilege role the setup creates (Settings > Run the setup), assumed for this workload's writes.",
      ),
      field("Notes", notesMode),
      problems,
      h(
        "div",
        { class: "run-buttons" },
        h(
          "button",
          { class: "primary", testid: "target-save", onclick: () => void saveTarget(draft) },
          "Save to the plan",
        ),
        h("button", { testid: "target-cancel", onclick: () => closeEditor() }, "Cancel"),
      ),
    );
    inner = unmountAll([
      mount(accounts, () => accountPicker(draft)),
      mount(chips, tagChips),
      mount(tagHelp, () => (w.editorSource.value === "vision-one" ? TAG_RULES_VISION_ONE : TAG_HELP)),
      mount(workloads, () => workloadPicker(draft, arnInput)),
      mount(problems, () => [
        w.editorBusy.value ? h("p", { class: "muted" }, w.editorBusy.value) : null,
        ...w.editorProblems.value.map((p) => h("p", { class: "error", testid: "target-editor-error" }, p)),
      ]),
    ]);
  });
  return () => {
    stop();
    inner();
  };
}
