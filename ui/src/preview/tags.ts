// The tag filter builder: chips, the live count and the help. The text field is built once per
// screen, so a re-render (a count arriving while the user types) never takes what was typed.

import { h } from "../dom";
import { fmt } from "../model";
import { productName } from "../setup-model";
import * as s from "../state";
import { chipKind, TAG_HELP, TAG_HELP_VISION_ONE } from "../tags";
import { mount, type Unmount, unmountAll } from "../view";
import { addTag, removeTag } from "./actions";

/** "4,886 of 7,000 demo checks match", or the configured account's count in its product. */
function matchCountText(): string {
  const count = s.matchCount.value;
  if (s.mode.value === "demo") {
    return count ? `${fmt(count.matching)} of ${fmt(count.total)} demo checks match` : "counting\u2026";
  }
  const product = productName(s.setup.value?.settings.product);
  if (count) return `${fmt(count.matching)} of ${fmt(count.total)} checks in ${product} match`;
  return s.chipError.value ? `${product} cannot count these tags.` : `counting in ${product}\u2026`;
}

function chipList(): HTMLElement[] {
  const chips = s.chips.value;
  if (chips.length === 0) return [h("span", { class: "muted" }, "No tags: every check is used.")];
  return chips.map((chip) =>
    h(
      "span",
      { class: "chip", testid: "tag-chip", title: chipKind(chip) },
      chip,
      h("button", { class: "chip-x", "aria-label": `Remove ${chip}`, onclick: () => removeTag(chip) }, "\u00d7"),
    ),
  );
}

export function mountTags(card: HTMLElement): Unmount {
  const input = h("input", {
    type: "text",
    placeholder: "Environment::production",
    "aria-label": "Tag",
    testid: "tag-input",
    spellcheck: "false",
  });
  const add = () => {
    if (addTag(input.value)) input.value = "";
  };
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") add();
  });
  const chips = h("div", { class: "chips", testid: "tag-chips" });
  const feedback = h("div", { class: "slot" });
  card.replaceChildren(
    h("h3", {}, "Tag filter"),
    chips,
    h("div", { class: "tag-add" }, input, h("button", { testid: "tag-add", onclick: add }, "Add tag")),
    feedback,
  );
  return unmountAll([
    mount(chips, chipList),
    mount(feedback, () => [
      s.chipError.value ? h("p", { class: "error", testid: "tag-error" }, s.chipError.value) : null,
      h("p", { class: "count", testid: "tag-match-count" }, matchCountText()),
      h("p", { class: "help", testid: "tag-help" }, s.visionOneConfigured.value ? TAG_HELP_VISION_ONE : TAG_HELP),
    ]),
  ]);
}
