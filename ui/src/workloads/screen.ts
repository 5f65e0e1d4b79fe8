// The Workloads screen: the plan file the command line runs (its path shown), its targets with
// their last sync and score trend, Preview all / Sync all with each target's progress, the
// target editor, and the chosen target's per-pillar scores over time.

import { batch, effect } from "@preact/signals-core";
import type { TargetView } from "../bindings/TargetView";
import { drawScoreHistory } from "../chart";
import { type Child, h } from "../dom";
import * as s from "../state";
import { TAG_HELP, TAG_RULES_VISION_ONE, tagProblem } from "../tags";
import { mount, type Unmount, unmountAll } from "../view";
import {
  addEditorTag,
  cancelPlanRun,
  choosePlanFile,
  closeEditor,
  editTarget,
  loadAccounts,
  loadWorkloads,
  previewTarget,
  removeEditorTag,
  removeTarget,
  runPlan,
  saveTarget,
  toggleAccount,
} from "./actions";
import {
  lastSyncText,
  outcomeText,
  outcomeTone,
  overallScore,
  sourceName,
  sparklinePoints,
  type TargetDraft,
  workloadLabel,
} from "./model";
import * as w from "./state";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** The overall score of each sync as a small line, with the latest score beside it. */
function sparkline(t: TargetView): HTMLElement {
  const name = t.target.name;
  const points = sparklinePoints(t.history, 80, 20);
  const latest = t.history.at(-1);
  const score = latest ? overallScore(latest.pillars) : null;
  const box = h("span", { class: "trend", testid: `target-trend-${name}` });
  if (points) {
    const chart = svg("svg", { width: "80", height: "20", viewBox: "0 -1 80 22", role: "img" });
    chart.setAttribute("aria-label", `score over the last ${t.history.length} syncs`);
    chart.append(svg("polyline", { points, fill: "none", stroke: "#1565c0", "stroke-width": "1.5" }));
    box.append(chart);
  }
  box.append(h("span", { class: "small" }, score === null ? "no syncs yet" : ` ${Math.round(score * 100)}%`));
  return box;
}

function header(): Child[] {
  const view = w.plan.value;
  const err = w.planError.value;
  return [
    h("h1", {}, "Workloads"),
    view?.demo
      ? h(
          "p",
          { class: "demo-banner", testid: "plan-path" },
          h("strong", {}, "DEMO PLAN"),
          " \u2014 three targets over the demo account's simulated Vision One checks, with a few weeks of made-up history. Nothing is saved; previews run on the demo data.",
        )
      : h(
          "p",
          { class: "plan-file" },
          "Plan file: ",
          h("code", { testid: "plan-path" }, view?.path ?? "\u2026"),
          view && !view.exists ? h("span", { class: "muted" }, " (not created yet: saving a target creates it)") : null,
          " ",
          h(
            "button",
            { class: "link", testid: "plan-open", onclick: () => void choosePlanFile() },
            "Open another plan\u2026",
          ),
        ),
    view && !view.demo && view.path
      ? h(
          "p",
          { class: "muted small" },
          "The command line runs the same file unattended: ",
          h("code", { testid: "plan-cli" }, `wa-sync sync --plan ${view.path} --json`),
        )
      : null,
    view?.problem ? h("pre", { class: "error", testid: "plan-problem" }, view.problem) : null,
    err ? h("p", { class: "error", testid: "plan-error" }, `${err.message} (${err.code})`) : null,
  ];
}

function toolbar(): Child[] {
  const view = w.plan.value;
  const run = w.planRun.value;
  const empty = !view || view.targets.length === 0;
  const switchBox = (testid: string, label: string, on: boolean, set: (v: boolean) => void, help: string) => {
    const box = h("input", { type: "checkbox", testid, checked: on, disabled: !!run });
    box.addEventListener("change", () => set((box as HTMLInputElement).checked));
    return h("label", { class: "switch", title: help }, box, ` ${label}`);
  };
  const runErr = w.runError.value;
  return [
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        { testid: "plan-preview-all", disabled: empty || !!run, onclick: () => void runPlan(false) },
        "Preview all",
      ),
      h(
        "button",
        {
          class: "primary",
          testid: "plan-sync-all",
          disabled: empty || !!run || !!view?.demo,
          title: view?.demo ? "The demo has one simulated workload: open a target's preview to push it" : undefined,
          onclick: () => void runPlan(true),
        },
        "Sync all",
      ),
      run ? h("button", { testid: "plan-cancel", onclick: () => cancelPlanRun() }, "Cancel") : null,
      h(
        "button",
        {
          testid: "plan-add-target",
          disabled: !!run || !view || view.demo || !!view.problem,
          onclick: () => editTarget(null),
        },
        "Add a target",
      ),
    ),
    h(
      "div",
      { class: "switches" },
      switchBox(
        "plan-milestone",
        "Save a milestone before writing",
        w.milestone.value,
        (v) => {
          w.milestone.value = v;
        },
        "Each review's own history then shows its state before wa-sync wrote to it",
      ),
      switchBox(
        "plan-pillar-notes",
        "Pillar notes",
        w.pillarNotes.value,
        (v) => {
          w.pillarNotes.value = v;
        },
        "Also write a short summary into each pillar's notes (the reviewer's text is kept)",
      ),
    ),
    runErr ? h("p", { class: "error", testid: "plan-run-error" }, `${runErr.message} (${runErr.code})`) : null,
  ];
}

function statusCell(name: string): Child {
  const run = w.targetRuns.value[name];
  if (!run) return null;
  if (run.outcome) {
    return h(
      "span",
      {
        class: `pill ${outcomeTone(run.outcome.outcome)}`,
        testid: `target-result-${name}`,
        title: run.outcome.error ?? "",
      },
      outcomeText(run.outcome),
    );
  }
  return h("span", { class: "muted small", testid: `target-progress-${name}` }, run.text);
}

function targetRow(t: TargetView): HTMLElement {
  const target = t.target;
  const name = target.name;
  const demo = w.plan.value?.demo ?? false;
  const busy = !!w.planRun.value;
  const last = lastSyncText(t.history);
  const confirming = w.confirmRemove.value === name;
  return h(
    "tr",
    {
      class: `target-row ${w.chartTarget.value === name ? "selected" : ""}`,
      testid: `target-row-${name}`,
      onclick: () => {
        w.chartTarget.value = name;
      },
    },
    h("td", { class: "target-name" }, h("strong", {}, name)),
    h("td", {}, sourceName(target.source)),
    h("td", { class: "mono small wrap-anywhere" }, target.account_ids.join(", ")),
    h(
      "td",
      { class: "small wrap-anywhere", title: target.workload_arn },
      workloadLabel(target.workload_arn),
      target.filter_tags.length > 0 ? h("div", { class: "muted" }, `tags: ${target.filter_tags.join(", ")}`) : null,
    ),
    h(
      "td",
      { class: "small", testid: `target-last-${name}` },
      last
        ? h("span", { class: `pill ${outcomeTone(t.history.at(-1)?.outcome ?? "")}` }, last)
        : h("span", { class: "muted" }, "never synced"),
    ),
    h("td", {}, sparkline(t)),
    h("td", { class: "small" }, statusCell(name)),
    h(
      "td",
      { class: "row-actions" },
      h(
        "button",
        {
          testid: `target-preview-${name}`,
          disabled: busy,
          onclick: (ev: Event) => {
            ev.stopPropagation();
            previewTarget(target);
          },
        },
        "Preview",
      ),
      demo
        ? null
        : h(
            "button",
            {
              testid: `target-edit-${name}`,
              disabled: busy,
              onclick: (ev: Event) => {
                ev.stopPropagation();
                editTarget(target);
              },
            },
            "Edit",
          ),
      demo
        ? null
        : confirming
          ? h(
              "span",
              { class: "confirm" },
              h(
                "button",
                {
                  class: "danger",
                  testid: `target-remove-confirm-${name}`,
                  onclick: (ev: Event) => {
                    ev.stopPropagation();
                    w.confirmRemove.value = null;
                    void removeTarget(name);
                  },
                },
                "Remove it",
              ),
              h(
                "button",
                {
                  class: "link",
                  onclick: (ev: Event) => {
                    ev.stopPropagation();
                    w.confirmRemove.value = null;
                  },
                },
                "Keep",
              ),
            )
          : h(
              "button",
              {
                class: "link",
                testid: `target-remove-${name}`,
                disabled: busy,
                onclick: (ev: Event) => {
                  ev.stopPropagation();
                  w.confirmRemove.value = name;
                },
              },
              "Remove",
            ),
    ),
  );
}

function targetList(): Child {
  const view = w.plan.value;
  if (!view) return h("p", { class: "muted" }, "Reading the plan\u2026");
  if (view.targets.length === 0) {
    return h(
      "p",
      { class: "muted", testid: "plan-empty" },
      view.problem
        ? "Fix the plan file (above) to see its targets."
        : "No targets yet. Add one: a name, the accounts whose checks count, optionally tags, and the workload whose notes they go to.",
    );
  }
  return h(
    "table",
    { class: "targets", testid: "plan-targets" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Target", "Source", "Accounts", "Workload", "Last sync", "Score trend", "This run", ""].map((c) =>
          h("th", {}, c),
        ),
      ),
    ),
    h("tbody", {}, ...view.targets.map(targetRow)),
  );
}

/** The chosen target's per-pillar score at each sync; the canvas is kept while the data changes. */
function mountHistoryChart(card: HTMLElement): Unmount {
  const title = h("h3", {}, "Score per pillar over time");
  const note = h("p", { class: "muted small", testid: "target-chart-note" });
  const canvas = h("canvas", { testid: "target-chart-canvas" });
  card.replaceChildren(title, note, h("div", { class: "chart-box" }, canvas));
  return effect(() => {
    const name = w.chartTarget.value;
    const target = w.plan.value?.targets.find((t) => t.target.name === name);
    if (!target || target.history.length === 0) {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    title.textContent = `Score per pillar over time: ${target.target.name}`;
    const n = target.history.length;
    note.textContent = `${n} ${n === 1 ? "sync" : "syncs"}; click another target's row to see its own.`;
    drawScoreHistory(canvas, target.history);
  });
}

// The editor. Built once per opening, so what the user types stays while the lists and chips
// around the fields follow the state.

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

function mountEditor(card: HTMLElement): Unmount {
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

export function workloadsScreen(host: HTMLElement): Unmount {
  const head = h("div", { class: "slot" });
  const tools = h("div", { class: "card plan-tools", testid: "plan-tools" });
  const list = h("div", { class: "card", testid: "plan-list" });
  const editor = h("div", { class: "card target-editor", testid: "target-editor" });
  const chart = h("div", { class: "card chart-card", testid: "target-chart" });
  host.replaceChildren(
    h("section", { class: "workloads", testid: "workloads-screen" }, head, tools, list, editor, chart),
  );
  return unmountAll([
    mount(head, header),
    mount(tools, toolbar),
    mount(list, targetList),
    mountEditor(editor),
    mountHistoryChart(chart),
  ]);
}
