import { test } from "uvu";
import * as assert from "uvu/assert";
import { parsePersonText, readPersonConstruct } from "../../../crawler/parse/people.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

test("RSS person strings in their usual shapes", () => {
  assert.equal(parsePersonText("me@example.com (Example editor)"), { name: "Example editor", email: "me@example.com", url: null });
  assert.equal(parsePersonText("Example editor (me@example.com)"), { name: "Example editor", email: "me@example.com", url: null });
  assert.equal(parsePersonText("Example editor <me+spam@example.com>"), { name: "Example editor", email: "me+spam@example.com", url: null });
  assert.equal(parsePersonText("mailto:me@example.com"), { name: null, email: "me@example.com", url: null });
  assert.equal(parsePersonText("Just A Name"), { name: "Just A Name", email: null, url: null });
  assert.is(parsePersonText("   "), null);
});

test("Atom person constructs, with 0.3's url and a bare-text fallback", () => {
  const read = (text: string) => readPersonConstruct(readXml(text, { lenient: false, url: "https://p.example/feed" }).root);
  assert.equal(read('<author xmlns="http://www.w3.org/2005/Atom"><name>N</name><email>e@p.example</email><uri>/n</uri></author>'),
    { name: "N", email: "e@p.example", url: "https://p.example/n" });
  assert.equal(read('<author xmlns="http://purl.org/atom/ns#"><name>N</name><url>http://n.example/</url></author>'),
    { name: "N", email: null, url: "http://n.example/" });
  assert.equal(read('<author xmlns="http://www.w3.org/2005/Atom">Bare Name</author>'), { name: "Bare Name", email: null, url: null });
  assert.is(read('<author xmlns="http://www.w3.org/2005/Atom"> </author>'), null);
});

test.run();
