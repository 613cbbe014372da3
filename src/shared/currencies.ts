// ISO 4217 active codes and their minor-unit digits. Never taken from Intl, whose data varies
// between runtimes. Codes not listed in MINOR_DIGITS_EXCEPTIONS have two digits.
const MINOR_DIGITS_EXCEPTIONS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const ISO_4217 = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN
ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`
  .split(/\s+/)
  .filter(Boolean);

const KNOWN = new Set(ISO_4217);

export function isCurrency(code: string): boolean {
  return KNOWN.has(code);
}

export function minorDigits(currency: string): number {
  if (!KNOWN.has(currency)) throw new Error(`unknown currency ${currency}`);
  return MINOR_DIGITS_EXCEPTIONS[currency] ?? 2;
}

/**
 * ISO 4217 fund codes and units of account: they measure value (an index, a day's settlement, a bond-market
 * unit, the SDR) but nobody pays an invoice in them. They are refused as invoice and fee-schedule currencies.
 * (XBA–XBD, XDR, XSU, XUA are not in the list above at all, so they are refused as unknown codes.)
 */
const FUND_CODES = new Set(["BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"]);

/** A currency invoices can be written and paid in: an ISO 4217 currency that is not a fund code. */
export function isSettlementCurrency(code: string): boolean {
  return KNOWN.has(code) && !FUND_CODES.has(code);
}

/**
 * The step of an invoice amount, in minor units: 1, except for currencies with more than two minor digits
 * (KWD, BHD, …), whose invoice amounts are whole hundredths (10 fils) — EN 16931 (UBL) amounts carry at
 * most two decimals, and an invoice must say exactly what it bills.
 */
export function invoiceStepMinor(currency: string): number {
  return 10 ** Math.max(0, minorDigits(currency) - 2);
}
