// The tag filter chips. Validation mirrors the engine's (checks/tags.rs) so the user sees a
// problem while typing; the engine validates again and has the last word.

export const TAG_HELP =
  "Each chip is a tag key (Environment), a tag value (production) or both as key::value " +
  "(Environment::production). Conformity matches exactly, ignoring case: \u201cprod\u201d does not " +
  "match \u201cproduction\u201d. A check is selected when any chip matches the key, the value or the " +
  "whole key::value of any of its tags; chips are ORed. No chips selects every check.";

/** Vision One's tag rules, without a word on counting (the target editor counts nothing). */
export const TAG_RULES_VISION_ONE =
  "Each chip is a whole tag, key::value (Environment::production). Vision One matches whole tags only: " +
  "a bare key or value (production) is refused, unlike with Conformity. A check is selected when any chip " +
  "equals one of its tags; chips are ORed. No chips selects every check.";

export const TAG_HELP_VISION_ONE = `${TAG_RULES_VISION_ONE} The count below comes from Vision One.`;

const MAX_TAG_LEN = 386;

/** Why a chip cannot be used, or null when it can. `wholeTagsOnly` (Vision One) also refuses a
 * bare key or value, as the engine does before asking Vision One. */
export function tagProblem(value: string, wholeTagsOnly = false): string | null {
  if (value.trim() === "") return "it is empty";
  if (value.trim() !== value) return "it starts or ends with a space";
  if (value.includes(","))
    return "it contains a comma, which Conformity reads as a separator; add each tag as its own chip";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return "it contains a control character";
  if ([...value].length > MAX_TAG_LEN) return "it is longer than any AWS tag key::value can be";
  const sep = value.indexOf("::");
  if (sep >= 0 && (sep === 0 || sep + 2 === value.length)) return "one side of :: is empty";
  if (wholeTagsOnly && sep < 0)
    return "it is not a whole key::value tag: Vision One matches whole tags only, so write the key and the value (Environment::production)";
  return null;
}

export type ChipKind = "key::value" | "key or value";

export function chipKind(value: string): ChipKind {
  return value.includes("::") ? "key::value" : "key or value";
}

/** Adds a chip unless it is already there (ignoring case, as Conformity does). */
export function addChip(chips: readonly string[], value: string): string[] {
  const v = value.trim();
  if (chips.some((c) => c.toLowerCase() === v.toLowerCase())) return [...chips];
  return [...chips, v];
}

/** Whether a preview made with `previewed` tags still shows what `chips` select (same chips,
 *  in any order). */
export function sameChips(previewed: readonly string[], chips: readonly string[]): boolean {
  return previewed.length === chips.length && chips.every((c) => previewed.includes(c));
}

/** Local matching with Conformity's semantics, for tests and offline hints. */
export function tagsMatch(chips: readonly string[], tags: readonly string[]): boolean {
  if (chips.length === 0) return true;
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return tags.some((tag) => {
    const sep = tag.indexOf("::");
    const key = sep >= 0 ? tag.slice(0, sep) : tag;
    const val = sep >= 0 ? tag.slice(sep + 2) : "";
    return chips.some((c) => eq(c, tag) || eq(c, key) || eq(c, val));
  });
}
