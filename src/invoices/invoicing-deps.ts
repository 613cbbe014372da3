import type { Clock } from "../shared/clock.js";
import type { Signer } from "../grants/signing-key.js";

/** What issuing, paying and voiding invoices need besides the database. */
export interface InvoicingDeps {
  clock: Clock;
  signer: Signer;
  invoicePrefix: string;
  paymentTermsDays: number;
}
