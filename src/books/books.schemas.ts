import { z } from "zod";

const base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const invoiceProofResponse = z
  .strictObject({
    checkpoint: z.strictObject({
      origin: z.string(),
      treeSize: z.number().int().min(0),
      rootHash: base64Hash,
      note: z.string().describe("the C2SP signed note of the checkpoint"),
    }),
    logKey: z.string().describe("the log's C2SP verifier key (also at /books/key)"),
    entries: z.array(
      z.strictObject({
        index: z.number().int().min(0),
        kind: z.string(),
        entry: z.string().describe("the canonical JSON entry; its leaf hash is SHA-256(0x00 ‖ entry)"),
        leafHash: base64Hash,
        proof: z.array(base64Hash).describe("the RFC 6962 audit path, leaf to root"),
      }),
    ),
  })
  .meta({ id: "InvoiceProof" });

const money = z.strictObject({ amountMinor: z.number().int(), currency: z.string(), formatted: z.string() });
const cell = {
  organizations: z.union([z.number().int().min(0), z.literal("<3")]).describe('how many organizations; "<3" hides 1 or 2'),
  amount: money.nullable().describe("null where the cell is about fewer than 3 organizations"),
};

export const reportMonthParam = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });

export const transparencyReportResponse = z
  .strictObject({
    month: z.string(),
    status: z.enum(["provisional", "final"]),
    statusReason: z.string(),
    currency: z.string(),
    computedAt: z.string(),
    checkpoint: z.strictObject({ origin: z.string(), treeSize: z.number().int(), rootHash: z.string() }).nullable(),
    fund: z.strictObject({ opening: money, closing: money }),
    invoiced: z.strictObject(cell),
    credited: z.strictObject(cell),
    collected: z.strictObject(cell),
    receivablesByAge: z.array(z.strictObject({ bucket: z.string(), ...cell })),
    revenueCapRelief: z.strictObject(cell),
    payersByHeadcount: z.array(z.strictObject({ band: z.string(), ...cell })),
    distribution: z
      .strictObject({
        runStatus: z.enum(["draft", "approved"]),
        pool: money.nullable().describe("null when the month's cash came from fewer than 3 organizations"),
        buckets: z.array(z.strictObject({ bucket: z.string(), kind: z.string(), ...cell })),
        works: z
          .array(z.strictObject({ work: z.string(), ...cell }))
          .describe('licensors\' shares per work (slug); works paid for by fewer than 3 organizations merged into "other works"'),
      })
      .nullable()
      .describe("what the month's distribution run gives each bucket and work; null until the month has a run"),
    assets: z
      .strictObject({
        leased: z.number().int(),
        owned: z.number().int(),
        bondsOutstanding: money,
        rentCollected: money,
        interestPaid: money,
      })
      .describe(
        "The venture commune: assets leased and owned now, bonds outstanding at the month's end, the month's rent collected and interest paid",
      ),
  })
  .meta({ id: "TransparencyReport" });
