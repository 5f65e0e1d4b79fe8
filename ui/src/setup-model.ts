// Pure helpers of the guided setup (no DOM), unit-tested in tests/ui/setup.test.ts.

import type { ConnectionStatus } from "./bindings/ConnectionStatus";
import type { KeyStatus } from "./bindings/KeyStatus";
import type { Product } from "./bindings/Product";
import type { Settings } from "./bindings/Settings";
import type { WorkloadView } from "./bindings/WorkloadView";
import type { Writer } from "./bindings/Writer";

export const STEPS = [
  { id: "conformity", label: "Conformity" },
  { id: "account", label: "Account" },
  { id: "aws", label: "AWS workload" },
  { id: "role", label: "IAM role" },
  { id: "done", label: "Done" },
] as const;
export type StepId = (typeof STEPS)[number]["id"];

/** The products wa-sync reads checks from, for the first question of the setup. */
export const PRODUCTS: { id: Product; title: string; text: string }[] = [
  {
    id: "vision-one",
    title: "Trend Vision One Cloud Posture",
    text: "Cloud Risk Management in Trend Vision One: where Conformity's checks live now.",
  },
  {
    id: "conformity",
    title: "Cloud One Conformity",
    text:
      "Conformity in Trend Cloud One, or standalone Conformity (cloudconformity.com); fully supported. " +
      "Cloud One Conformity reached End of Life on 2026-07-31.",
  },
];

/** Vision One's Cloud Posture endpoints are marked beta by Trend; said wherever they are used. */
export const VISION_ONE_BETA =
  "Trend marks the Vision One Cloud Posture check endpoints wa-sync reads as beta (for testing); they may change.";

/** The product's name in sentences. */
export function productName(p: Product | undefined): string {
  return p === "vision-one" ? "Vision One" : "Conformity";
}

/** The steps with the first one named after the product. */
export function stepsFor(p: Product | undefined): { id: StepId; label: string }[] {
  return STEPS.map((s) => (s.id === "conformity" ? { id: s.id, label: productName(p) } : { id: s.id, label: s.label }));
}

/** The step the wizard opens on: the first one not done yet. `visionKey` is the Vision One
 * key's status (only looked at when Vision One is the product). */
export function firstOpenStep(s: Settings, key: KeyStatus, visionKey?: KeyStatus): StepId {
  if (s.product === "vision-one") {
    if (!s.vision_one || !visionKey || visionKey.source === "none") return "conformity";
  } else if (!s.conformity || key.source === "none") return "conformity";
  if (!s.account) return "account";
  if (!s.aws?.workload_arn) return "aws";
  if (!s.role?.role_arn) return "role";
  return "done";
}

/** What the UI says about the key: never more than where it is and its last four characters. */
/** A saved key goes only to the address it was tested with; another address needs it typed again. */
function boundText(k: KeyStatus): string {
  return k.bound_to ? `, for ${k.bound_to} only` : "";
}

export function keyStatusText(k: KeyStatus, product?: Product): string {
  const tail = k.last_four ? ` (ends in \u2026${k.last_four})` : "";
  const envVar = product === "vision-one" ? "VISIONONE_API_KEY" : "CONFORMITY_API_KEY";
  switch (k.source) {
    case "environment":
      return `Using ${envVar} from the environment${tail}; it wins over the keychain.`;
    case "keychain":
      return `Saved in the OS keychain${tail}${boundText(k)}.`;
    case "session":
      return `Kept for this session only${tail}${boundText(k)}: the OS keychain could not store it.`;
    case "none":
      return "Not saved.";
  }
}

/** The role's trust, in words, for each choice of writer. */
export const WRITERS: { id: Writer; title: string; text: string }[] = [
  {
    id: "app",
    title: "wa-sync on this computer",
    text: "The role trusts your AWS account; wa-sync assumes it with your profile and the external ID.",
  },
  {
    id: "hosted",
    title: "Conformity's hosted sync",
    text: "The role trusts Conformity's AWS account (717210094962) with your organisation's external ID.",
  },
  {
    id: "both",
    title: "Both",
    text: "The role trusts both accounts, each only with the external ID.",
  },
];

/** The only writer with Vision One: there is no hosted sync, and the external ID is optional. */
export const VISION_ONE_WRITER: { id: Writer; title: string; text: string } = {
  id: "app",
  title: "wa-sync on this computer",
  text:
    "The role trusts your AWS account; wa-sync assumes it with your profile, and with the external ID if you set one. " +
    "Vision One has no hosted sync, so nothing else is trusted.",
};

/** The writers offered for a product. */
export function writersFor(p: Product | undefined): { id: Writer; title: string; text: string }[] {
  return p === "vision-one" ? [VISION_ONE_WRITER] : WRITERS;
}

/** Why an external ID typed for a Vision One role cannot be used, or null (empty is fine). */
export function externalIdProblem(value: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  if (v.length < 2 || v.length > 1224) return "an external ID has 2 to 1224 characters";
  if (!/^[A-Za-z0-9+=,.@:/_-]+$/.test(v)) return "an external ID has only letters, digits and +=,.@:/-_";
  return null;
}

/** Flags shown next to a workload in the picker. */
export function workloadFlags(w: WorkloadView, product?: Product): { text: string; tone: "ok" | "warn" | "bad" }[] {
  const name = productName(product);
  const flags: { text: string; tone: "ok" | "warn" | "bad" }[] = [];
  flags.push(
    w.has_lens
      ? { text: "Well-Architected lens", tone: "ok" }
      : { text: "no Well-Architected lens: add it in the Well-Architected Tool", tone: "bad" },
  );
  if (w.account_matches === true) flags.push({ text: `same AWS account as ${name}'s`, tone: "ok" });
  else if (w.account_matches === false)
    flags.push({ text: `account ${w.account_id} is not the ${name} account's`, tone: "warn" });
  return flags;
}

/** The badge in the header. */
export function badgeView(
  c: ConnectionStatus | null,
  checking: boolean,
  product?: Product,
): { text: string; tone: string } {
  if (checking && !c) return { text: "Checking connection\u2026", tone: "muted" };
  if (!c) return { text: "Not set up", tone: "muted" };
  const parts = [c.conformity, c.workload, c.role];
  if (parts.some((p) => p.state === "failed")) return { text: "Connection problem", tone: "bad" };
  if (c.can_push && c.role.state === "ok") return { text: "Connected", tone: "ok" };
  if (c.can_push) return { text: "Connected (no verified role)", tone: "ok" };
  if (c.can_preview) return { text: `${productName(product)} only`, tone: "warn" };
  return { text: "Not set up", tone: "muted" };
}

/** AWS regions where the Well-Architected Tool runs, for the region picker. */
export const AWS_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "eu-south-1",
  "me-south-1",
  "sa-east-1",
  "us-gov-west-1",
  "us-gov-east-1",
];
