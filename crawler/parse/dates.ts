/**
 * Feed dates in the forms seen in the wild: RFC 822/2822 (RSS; named, military and numeric zones, missing
 * seconds, two-digit years, full day and month names, stray commas), RFC 3339 / ISO 8601 / W3CDTF (Atom,
 * Dublin Core, JSON Feed; reduced precision, basic format, comma fractions), asctime, and Unix epoch numbers.
 *
 * Policy: a date that cannot be read returns null, never throws. Years outside 1000–9999 return null (year 0
 * and negative years are typos or attacks, and five-digit years do not survive ISO serialisation). Dates in
 * the future, up to 9999-12-31, are kept as given: what to do with an entry dated 9999 (sort it last, clamp it)
 * is for the store and the mirror to decide, not the parser.
 * https://www.rfc-editor.org/rfc/rfc2822#section-3.3 · https://www.rfc-editor.org/rfc/rfc3339 · https://www.w3.org/TR/NOTE-datetime
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

// RFC 822 §5 and RFC 2822 §4.3 zones; military letters are read per RFC 1123 §5.2.14 (their sign was
// defined backwards in RFC 822, and RFC 2822 says to treat them as -0000, i.e. UTC).
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, cet: 60, cest: 120, eet: 120, eest: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600, ist: 330, jst: 540, kst: 540, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

const ISO = new RegExp(
  "^(\\d{4})(?:-?(\\d{2})(?:-?(\\d{2}))?)?" + // date: YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD
    "(?:[T\\s]+(\\d{2})(?::?(\\d{2})(?::?(\\d{2})(?:[.,](\\d+))?)?)?)?" + // time: hh, hh:mm, hh:mm:ss.fff
    "\\s*(Z|[+-]\\d{2}(?::?\\d{2})?|UTC|GMT)?$", // zone
  "i",
);

const RFC822 = new RegExp(
  "^(?:[a-z]+\\.?,?\\s*)?" + // optional day name, any spelling ("Thu", "Thursday", "Tues.")
    "(\\d{1,2})[\\s-]+([a-z]+)\\.?,?[\\s-]+(\\d{2,4}),?" + // 1 Jan 2004, 01-Jan-04
    "(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?)?" + // 19:48, 19:48:21
    "\\s*([a-z]+|[+-]\\d{2}:?\\d{2}|[+-]\\d{1,2})?" + // zone
    "(?:\\s*\\(.*\\))?$", // trailing comment "(GMT)"
  "i",
);

// asctime and its cousins: "Thu Jan  1 19:48:21 2004", "Thu Jan 01 2004 19:48:21 GMT+0000".
const ASCTIME = new RegExp(
  "^(?:[a-z]+,?\\s+)?([a-z]+)\\.?\\s+(\\d{1,2}),?\\s+" +
    "(?:(\\d{4})\\s+)?(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*(?:(\\d{4})\\s*)?(?:(?:GMT|UTC)?([+-]\\d{4}))?" +
    "\\s*([a-z]+)?(?:\\s*\\(.*\\))?$",
  "i",
);

/** Parses a feed date; null when unreadable or the year is outside 1000–9999. Never throws. */
export function parseDate(value: string | null | undefined): Date | null {
  if (typeof value !== "string") return null;
  const text = value.trim().replace(/\s+/g, " ");
  if (text === "" || text.length > 100) return null;
  return parseEpoch(text) ?? parseIso(text) ?? parseRfc822(text) ?? parseAsctime(text);
}

function parseEpoch(text: string): Date | null {
  if (!/^\d{9,13}(\.\d+)?$/.test(text)) return null;
  const number = Number(text);
  // Ten digits and fewer are seconds (until the year 2286); thirteen are milliseconds.
  return checkYearRange(new Date(text.length >= 13 ? number : number * 1000));
}

function parseIso(text: string): Date | null {
  const match = ISO.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (month === undefined && text.length > 4) return null;
  const offset = readNumericZone(zone) ?? 0;
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  return buildDate(Number(year), Number(month ?? 1), Number(day ?? 1), Number(hour ?? 0), Number(minute ?? 0),
    Number(second ?? 0), millis, offset);
}

function parseRfc822(text: string): Date | null {
  const match = RFC822.exec(text);
  if (!match) return null;
  const [, day, monthName, year, hour, minute, second, zone] = match;
  const month = readMonth(monthName);
  const offset = readZone(zone);
  if (month === undefined || offset === undefined) return null;
  return buildDate(readYear(year), month, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), 0,
    offset);
}

function parseAsctime(text: string): Date | null {
  const match = ASCTIME.exec(text);
  if (!match) return null;
  const [, monthName, day, yearBefore, hour, minute, second, yearAfter, numericZone, namedZone] = match;
  const month = readMonth(monthName);
  const offset = numericZone ? readNumericZone(numericZone) : readZone(namedZone);
  const year = yearBefore ?? yearAfter;
  if (month === undefined || offset === undefined || year === undefined) return null;
  return buildDate(Number(year), month, Number(day), Number(hour), Number(minute), Number(second ?? 0), 0, offset);
}

function readMonth(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  return MONTHS[lower] ?? (lower.length > 3 ? MONTHS[lower.slice(0, 3)] : undefined);
}

/** RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx; three-digit years add 1900. */
function readYear(text: string | undefined): number {
  const year = Number(text);
  if (text?.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text?.length === 3) return 1900 + year;
  return year;
}

/** Minutes east of UTC for a named, military or numeric zone; a missing zone is UTC; unknown is undefined. */
function readZone(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = readNumericZone(zone);
  if (numeric !== undefined) return numeric;
  const lower = zone.toLowerCase();
  if (ZONES[lower] !== undefined) return ZONES[lower];
  if (/^[a-ik-z]$/.test(lower)) return 0;
  return undefined;
}

function readNumericZone(zone: string | undefined): number | undefined {
  const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone ?? "");
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

function buildDate(year: number, month: number, day: number, hour: number, minute: number, second: number,
  millis: number, offsetMinutes: number): Date | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > countDaysIn(year, month)) return null;
  // 24:00 is midnight at the end of the day (ISO 8601); 60 seconds is a leap second, read as :59.
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis) - offsetMinutes * 60_000;
  return checkYearRange(new Date(time));
}

function countDaysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkYearRange(date: Date): Date | null {
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1000 || year > 9999 ? null : date;
}
