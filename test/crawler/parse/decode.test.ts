import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeFeedBytes, readCharset, repairC1Controls } from "../../../crawler/parse/decode.ts";

const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

test("a byte order mark wins over every declaration", () => {
  const utf8 = decodeFeedBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><a>é</a>')]));
  assert.is(utf8.encoding, "utf-8");
  assert.is(utf8.text, '<?xml version="1.0" encoding="iso-8859-1"?><a>é</a>');
  const be = decodeFeedBytes(new Uint8Array([0xfe, 0xff, ...Buffer.from("<a>é</a>", "utf16le").swap16()]));
  assert.is(be.encoding, "utf-16be");
  assert.is(be.text, "<a>é</a>");
  assert.equal(be.problems, []);
});

test("UTF-16 without a BOM is recognised from the shape of `<?`", () => {
  const le = decodeFeedBytes(Buffer.from('<?xml version="1.0"?><a>✓</a>', "utf16le"));
  assert.is(le.encoding, "utf-16le");
  assert.is(le.text, '<?xml version="1.0"?><a>✓</a>');
  const be = decodeFeedBytes(Buffer.from("\n<a>✓</a>", "utf16le").swap16());
  assert.is(be.encoding, "utf-16be");
  assert.is(be.text, "\n<a>✓</a>");
});

test("the HTTP charset wins over the XML declaration", () => {
  const decoded = decodeFeedBytes(latin1('<?xml version="1.0" encoding="utf-8"?><a>caf\xe9</a>'), "application/xml; charset=ISO-8859-1");
  assert.is(decoded.encoding, "iso-8859-1");
  assert.is(decoded.text, '<?xml version="1.0" encoding="utf-8"?><a>café</a>');
  assert.equal(decoded.problems, []);
});

test("the XML declaration is honoured when there is no HTTP charset", () => {
  const decoded = decodeFeedBytes(new Uint8Array([...Buffer.from('<?xml version="1.0" encoding="euc-kr"?><a>'), 0xb3, 0xe2, ...Buffer.from("</a>")]));
  assert.is(decoded.encoding, "euc-kr");
  assert.ok(decoded.text.endsWith("<a>년</a>"), decoded.text);
});

test("windows-1252 bytes declared as UTF-8 are decoded as windows-1252, with the reason", () => {
  const decoded = decodeFeedBytes(latin1('<?xml version="1.0" encoding="utf-8"?><a>caf\xe9 \x93hi\x94 \x80</a>'));
  assert.is(decoded.encoding, "windows-1252");
  assert.ok(decoded.text.endsWith("<a>café “hi” €</a>"), decoded.text);
  assert.ok(decoded.problems.some((problem) => problem.includes("not valid utf-8")), decoded.problems.join());
});

test("invalid UTF-8 with no declaration is decoded, and reported", () => {
  const decoded = decodeFeedBytes(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]));
  assert.is(decoded.encoding, "windows-1252");
  assert.ok(decoded.problems.length > 0);
});

test("unknown labels and UTF-16 labels on ASCII bytes are reported, not obeyed", () => {
  const bogus = decodeFeedBytes(Buffer.from('<?xml version="1.0" encoding="bogus"?><a/>'));
  assert.is(bogus.encoding, "utf-8");
  assert.ok(bogus.problems[0]?.includes('unknown encoding "bogus"'));
  const lie = decodeFeedBytes(Buffer.from('<?xml version="1.0" encoding="utf-16"?><a/>'));
  assert.is(lie.encoding, "utf-8");
  assert.ok(lie.problems[0]?.includes("not UTF-16"));
});

test("readCharset reads quoted and unquoted parameters", () => {
  assert.is(readCharset('text/xml; charset="UTF-8"'), "utf-8");
  assert.is(readCharset("application/rss+xml;charset=windows-1252;q=1"), "windows-1252");
  assert.is(readCharset("text/xml"), undefined);
  assert.is(readCharset(undefined), undefined);
});

test("C1 controls become the windows-1252 characters they stand for", () => {
  assert.is(repairC1Controls("don\u0092t \u0080 \u0093x\u0094"), "don’t € “x”");
  assert.is(repairC1Controls("plain"), "plain");
});

test.run();
