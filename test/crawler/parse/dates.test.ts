import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDate } from "../../../crawler/parse/dates.ts";

const iso = (value: string) => parseDate(value)?.toISOString() ?? null;

test("RFC 822 and 2822, with named, military and numeric zones", () => {
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 +0200"), "2004-01-01T17:48:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 -05:30"), "2004-01-02T01:18:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 EST"), "2004-01-02T00:48:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 PDT"), "2004-01-02T02:48:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 Z"), "2004-01-01T19:48:21.000Z");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 A"), "2004-01-01T19:48:21.000Z");
  assert.is(iso("Sat, 07 Sep 2002 00:00:01 UT"), "2002-09-07T00:00:01.000Z");
});

test("RFC 822 variants seen in the wild", () => {
  assert.is(iso("Thu, 01 Jan 2004 19:48 GMT"), "2004-01-01T19:48:00.000Z", "missing seconds");
  assert.is(iso("Thu, 01 Jan 04 19:48:21 GMT"), "2004-01-01T19:48:21.000Z", "two-digit year 04");
  assert.is(iso("Fri, 01 Jan 99 00:00:00 GMT"), "1999-01-01T00:00:00.000Z", "two-digit year 99");
  assert.is(iso("Thursday, 1 January 2004 19:48:21 GMT"), "2004-01-01T19:48:21.000Z", "full names");
  assert.is(iso("Tues, 6 Jan 2004 19:48:21"), "2004-01-06T19:48:21.000Z", "odd day name, no zone");
  assert.is(iso("01 Jan 2004 19:48:21 +0000"), "2004-01-01T19:48:21.000Z", "no day name");
  assert.is(iso("Thu,01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21.000Z", "no space after comma");
  assert.is(iso("Thu, 01 Sept 2004 19:48:21 GMT"), "2004-09-01T19:48:21.000Z", "Sept");
  assert.is(iso("Thu, 01 Jan 2004 19:48:21 +0000 (GMT)"), "2004-01-01T19:48:21.000Z", "zone comment");
  assert.is(iso("Thu Jan  1 19:48:21 2004"), "2004-01-01T19:48:21.000Z", "asctime");
});

test("RFC 3339, ISO 8601 and W3CDTF", () => {
  assert.is(iso("2003-12-31T10:14:55Z"), "2003-12-31T10:14:55.000Z");
  assert.is(iso("2003-12-31T10:14:55.123-08:00"), "2003-12-31T18:14:55.123Z");
  assert.is(iso("2003-12-31T10:14:55+0100"), "2003-12-31T09:14:55.000Z");
  assert.is(iso("2003-12-31T10:14Z"), "2003-12-31T10:14:00.000Z");
  assert.is(iso("2003-12-31 10:14:55"), "2003-12-31T10:14:55.000Z", "space, no zone: UTC");
  assert.is(iso("20031231T101455Z"), "2003-12-31T10:14:55.000Z", "basic format");
  assert.is(iso("2003-12-31"), "2003-12-31T00:00:00.000Z");
  assert.is(iso("2003-12"), "2003-12-01T00:00:00.000Z");
  assert.is(iso("2003"), "2003-01-01T00:00:00.000Z");
  assert.is(iso("2002-10-17T17:00+01:00"), "2002-10-17T16:00:00.000Z");
});

test("Unix epoch numbers, in seconds or milliseconds", () => {
  assert.is(iso("1700000000"), "2023-11-14T22:13:20.000Z");
  assert.is(iso("1700000000123"), "2023-11-14T22:13:20.123Z");
});

test("unreadable and absurd dates are null, never a throw", () => {
  for (const value of ["", "   ", "yesterday", "0000-01-01T00:00:00Z", "Thu, 01 Jan 0000 00:00:00 GMT", "-0001-01-01",
    "10000-01-01", "2004-13-01", "2004-02-30", "2004-01-01T25:00:00Z", "Thu, 32 Jan 2004 00:00:00 GMT",
    "Thu, 01 Foo 2004 00:00:00 GMT", "Thu, 01 Jan 2004 00:00:00 XYZ", "x".repeat(10_000)]) {
    assert.is(parseDate(value), null, value.slice(0, 40));
  }
  assert.is(parseDate(undefined), null);
  assert.is(parseDate(null), null);
});

test("the year 9999 is kept as given, up to its last second", () => {
  assert.is(iso("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59.000Z");
  assert.is(iso("Fri, 31 Dec 9999 23:59:59 GMT"), "9999-12-31T23:59:59.000Z");
  assert.is(parseDate("9999-12-31T23:59:59-01:00"), null, "spills into 10000");
});

test.run();
