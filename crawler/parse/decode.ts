/**
 * Bytes to text. The order follows XML 1.0 Appendix F and RFC 7303 §3: a byte order mark wins, then the
 * UTF-16 shape of the first bytes, then the HTTP `charset`, then the XML declaration, then UTF-8. A declared
 * encoding the bytes contradict (the classic: windows-1252 bytes labelled UTF-8) is not fatal: the bytes are
 * decoded with the best guess and the reason is recorded so the feed is marked bozo.
 */

/** The decoded text, the encoding used, and why it differs from what was declared, if it does. */
export interface DecodedText {
  text: string;
  /** Lower-case label of the encoding used, as declared when the declaration was honoured (`iso-8859-1`). */
  encoding: string;
  /** Problems met (undecodable bytes, an unknown label…); non-empty means the feed is bozo. */
  problems: string[];
}

const UTF8 = "utf-8";
const WINDOWS_1252 = "windows-1252";

/** Decodes feed bytes honouring BOM, HTTP charset and XML declaration, falling back to UTF-8 and windows-1252. */
export function decodeFeedBytes(bytes: Uint8Array, contentType?: string): DecodedText {
  const problems: string[] = [];
  const bom = sniffBom(bytes);
  if (bom) {
    const body = bytes.subarray(bom.length);
    const strict = tryDecode(bom.encoding, body);
    if (strict !== undefined) return { text: strict, encoding: bom.encoding, problems };
    problems.push(`bytes are not valid ${bom.encoding} despite the byte order mark`);
    return { text: decodeLossy(bom.encoding, body), encoding: bom.encoding, problems };
  }

  const utf16 = sniffUtf16(bytes);
  if (utf16) {
    const strict = tryDecode(utf16, bytes);
    if (strict !== undefined) return { text: strict, encoding: utf16, problems };
    problems.push(`bytes look like ${utf16} but do not decode as it`);
    return { text: decodeLossy(utf16, bytes), encoding: utf16, problems };
  }

  const declared = readDeclaredEncoding(bytes, contentType);
  for (const label of declared) {
    if (isUtf16Label(label.value)) {
      // A UTF-16 label on bytes that are plainly ASCII-compatible is a lie (XML 1.0 Appendix F).
      problems.push(`${label.source} declares ${label.value} but the bytes are not UTF-16`);
      continue;
    }
    if (!isKnownLabel(label.value)) {
      problems.push(`${label.source} declares an unknown encoding "${label.value}"`);
      continue;
    }
    const strict = tryDecode(label.value, bytes);
    if (strict !== undefined) return { text: repairC1Controls(strict), encoding: label.value, problems };
    problems.push(`bytes are not valid ${label.value} as ${label.source} declares`);
    break;
  }

  const utf8 = tryDecode(UTF8, bytes);
  if (utf8 !== undefined) return { text: repairC1Controls(utf8), encoding: UTF8, problems };
  // Every byte sequence decodes as windows-1252, and it is by far the most common mislabelled encoding.
  if (declared.length === 0) problems.push("bytes are not valid UTF-8 and no encoding is declared");
  problems.push("decoded as windows-1252");
  return { text: repairC1Controls(decodeLossy(WINDOWS_1252, bytes)), encoding: WINDOWS_1252, problems };
}

/** Reads the `charset` parameter of a Content-Type header, lower-cased, or undefined. */
export function readCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2]?.toLowerCase();
}

function sniffBom(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: UTF8, length: 3 };
  if (a === 0xfe && b === 0xff) return { encoding: "utf-16be", length: 2 };
  if (a === 0xff && b === 0xfe) return { encoding: "utf-16le", length: 2 };
  return undefined;
}

/** UTF-16 without a BOM: the document starts with `<` (or whitespace) as a 16-bit unit, `<\0?\0` or `\0<\0?`. */
function sniffUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  const isAsciiStart = (code: number | undefined): boolean =>
    code === 0x3c || code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
  if (isAsciiStart(bytes[0]) && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return "utf-16le";
  if (bytes[0] === 0 && isAsciiStart(bytes[1]) && bytes[2] === 0 && bytes[3] !== 0) return "utf-16be";
  return undefined;
}

interface DeclaredLabel {
  value: string;
  source: string;
}

/** The HTTP charset first (RFC 7303 §3.2: it is authoritative), then the XML declaration. */
function readDeclaredEncoding(bytes: Uint8Array, contentType: string | undefined): DeclaredLabel[] {
  const labels: DeclaredLabel[] = [];
  const http = readCharset(contentType);
  if (http) labels.push({ value: http, source: "the HTTP Content-Type" });
  // The declaration is ASCII in every ASCII-compatible encoding; 200 bytes is enough to hold it.
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const xml = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  if (xml?.[1] && xml[1].toLowerCase() !== http) {
    labels.push({ value: xml[1].toLowerCase(), source: "the XML declaration" });
  }
  return labels;
}

function isUtf16Label(label: string): boolean {
  return /^(utf-?16|ucs-?2|unicode)/.test(label);
}

function isKnownLabel(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function tryDecode(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeLossy(label: string, bytes: Uint8Array): string {
  return new TextDecoder(label, { ignoreBOM: true }).decode(bytes);
}

// C1 control characters (U+0080–U+009F) in decoded text are almost always windows-1252 bytes that were
// transcoded as Latin-1 ("don\u0092t"); HTML maps them the same way (WHATWG numeric reference table). Spelled
// out because Node 20's TextDecoder decodes "windows-1252" as Latin-1 and cannot be used to build it.
const C1_TO_WINDOWS_1252 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
  + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** Replaces C1 control characters with the windows-1252 characters their byte values stand for. */
export function repairC1Controls(text: string): string {
  if (!/[\u0080-\u009f]/.test(text)) return text;
  return text.replace(/[\u0080-\u009f]/g, (char) => C1_TO_WINDOWS_1252[char.charCodeAt(0) - 0x80] ?? char);
}
