// The guided setup's state, as signals. What a text field holds is read with `peek()` where the
// field is built, so typing into it never rebuilds the step under the user's fingers.

import { batch, type Signal, signal } from "@preact/signals-core";
import type { AccountView } from "../bindings/AccountView";
import type { AppError } from "../bindings/AppError";
import type { AwsProfile } from "../bindings/AwsProfile";
import type { ConformityConnection } from "../bindings/ConformityConnection";
import type { IamAdoption } from "../bindings/IamAdoption";
import type { IamCreated } from "../bindings/IamCreated";
import type { IamExported } from "../bindings/IamExported";
import type { IamPlan } from "../bindings/IamPlan";
import type { Product } from "../bindings/Product";
import type { SetupStatus } from "../bindings/SetupStatus";
import type { VerifyView } from "../bindings/VerifyView";
import type { VisionOneConnection } from "../bindings/VisionOneConnection";
import type { WorkloadList } from "../bindings/WorkloadList";
import type { Writer } from "../bindings/Writer";
import type { StepId } from "../setup-model";

export type Connection = ConformityConnection | VisionOneConnection;

/** What the user chose in a product's connect step (the typed URL is in `urls`). */
export interface EndpointForm {
  kind: "region" | "url";
  region: string;
  replacingKey: boolean;
}

function initial() {
  return {
    status: null as SetupStatus | null,
    step: "conformity" as StepId,
    busy: "Loading\u2026" as string | null,
    error: null as AppError | null,
    product: "vision-one" as Product,
    /** Each product's connect choices, kept while the user switches between the products. */
    forms: {
      conformity: { kind: "region", region: "us-1", replacingKey: false },
      "vision-one": { kind: "region", region: "us", replacingKey: false },
    } as Record<Product, EndpointForm>,
    /** Each product's typed API URL. */
    urls: { conformity: "", "vision-one": "" } as Record<Product, string>,
    /** The connection the last test made, for the product shown. */
    connection: null as Connection | null,
    /** Vision One's optional external ID, as typed. */
    externalIdInput: "",
    /** Conformity's organisation external ID. */
    externalId: null as string | null,
    accounts: null as AccountView[] | null,
    /** What the external ID's Copy button did. */
    copy: "idle" as "idle" | "copied" | "failed",
    profiles: [] as AwsProfile[],
    /** "" is the default credential chain. */
    profile: "",
    awsRegion: "us-east-1",
    workloads: null as WorkloadList | null,
    picked: null as string | null,
    writer: "app" as Writer,
    roleName: "WaSyncWellArchitectedNotes",
    plan: null as IamPlan | null,
    created: null as IamCreated | null,
    /** A role or policy of that name exists that wa-sync did not make: asked before taking it over. */
    adoption: null as IamAdoption | null,
    exported: null as IamExported | null,
    roleArnInput: "",
    verify: null as VerifyView | null,
  };
}

type Values = ReturnType<typeof initial>;
type WizardState = { [K in keyof Values]: Signal<Values[K]> };

export const w = Object.fromEntries(Object.entries(initial()).map(([k, v]) => [k, signal(v)])) as WizardState;

/** Back to a fresh setup, as each opening of the wizard starts. */
export function resetWizard(): void {
  const fresh = initial() as Record<string, unknown>;
  const signals = w as unknown as Record<string, Signal<unknown>>;
  batch(() => {
    for (const [k, v] of Object.entries(fresh)) {
      const target = signals[k];
      if (target) target.value = v;
    }
  });
}

/** Changes one product's connect choices. */
export function updateForm(product: Product, change: Partial<EndpointForm>): void {
  const forms = w.forms.value;
  w.forms.value = { ...forms, [product]: { ...forms[product], ...change } };
}
