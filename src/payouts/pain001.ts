// The ISO 20022 pain.001.001.03 customer credit transfer initiation (SEPA) of a payout batch: a group
// header with the number of transactions and their control sum, one payment information block, one
// CdtTrfTxInf per payee with its end-to-end id. Pure text: amounts are written from minor units exactly.
import { toDecimalString } from "../shared/money.js";

export interface Pain001Payout {
  endToEndId: string;
  amountMinor: number;
  legalName: string;
  country: string;
  iban: string;
  remittance: string;
}

export interface Pain001Batch {
  messageId: string;
  createdAt: string;
  executionDate: string;
  currency: string;
  debtor: { name: string; iban: string };
  payouts: Pain001Payout[];
}

/** XML text with the five entities escaped and control characters (not allowed in XML 1.0 or SEPA) dropped. */
function esc(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, max);
  return clean.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function renderPain001(batch: Pain001Batch): string {
  const sum = batch.payouts.reduce((s, p) => s + p.amountMinor, 0);
  const ctrlSum = toDecimalString(sum, batch.currency);
  const n = batch.payouts.length;
  const transfers = batch.payouts.map((p) =>
    [
      "      <CdtTrfTxInf>",
      `        <PmtId><EndToEndId>${esc(p.endToEndId, 35)}</EndToEndId></PmtId>`,
      `        <Amt><InstdAmt Ccy="${batch.currency}">${toDecimalString(p.amountMinor, batch.currency)}</InstdAmt></Amt>`,
      `        <Cdtr><Nm>${esc(p.legalName, 70)}</Nm><PstlAdr><Ctry>${esc(p.country, 2)}</Ctry></PstlAdr></Cdtr>`,
      `        <CdtrAcct><Id><IBAN>${esc(p.iban, 34)}</IBAN></Id></CdtrAcct>`,
      `        <RmtInf><Ustrd>${esc(p.remittance, 140)}</Ustrd></RmtInf>`,
      "      </CdtTrfTxInf>",
    ].join("\n"),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    "  <CstmrCdtTrfInitn>",
    "    <GrpHdr>",
    `      <MsgId>${esc(batch.messageId, 35)}</MsgId>`,
    `      <CreDtTm>${batch.createdAt.slice(0, 19)}</CreDtTm>`,
    `      <NbOfTxs>${n}</NbOfTxs>`,
    `      <CtrlSum>${ctrlSum}</CtrlSum>`,
    `      <InitgPty><Nm>${esc(batch.debtor.name, 70)}</Nm></InitgPty>`,
    "    </GrpHdr>",
    "    <PmtInf>",
    `      <PmtInfId>${esc(batch.messageId, 35)}</PmtInfId>`,
    "      <PmtMtd>TRF</PmtMtd>",
    "      <BtchBookg>true</BtchBookg>",
    `      <NbOfTxs>${n}</NbOfTxs>`,
    `      <CtrlSum>${ctrlSum}</CtrlSum>`,
    "      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>",
    `      <ReqdExctnDt>${batch.executionDate}</ReqdExctnDt>`,
    `      <Dbtr><Nm>${esc(batch.debtor.name, 70)}</Nm></Dbtr>`,
    `      <DbtrAcct><Id><IBAN>${esc(batch.debtor.iban.replace(/\s/g, ""), 34)}</IBAN></Id></DbtrAcct>`,
    "      <DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>",
    "      <ChrgBr>SLEV</ChrgBr>",
    ...transfers,
    "    </PmtInf>",
    "  </CstmrCdtTrfInitn>",
    "</Document>",
    "",
  ].join("\n");
}
