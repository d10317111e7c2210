import { test } from "uvu";
import * as assert from "uvu/assert";
import { TreeBuilder } from "../../../crawler/parse/xml-builder.ts";
import type { XmlElement } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";

const URL = "https://feed.example/feed.xml";
const create = (problems: string[] = [], maxDepth = 512) => new TreeBuilder({ url: URL, maxDepth, repairC1: false }, (problem) => problems.push(problem));
const elements = (element: XmlElement | undefined) => (element?.children ?? []).filter((node): node is XmlElement => typeof node !== "string");

test("namespace declarations are scoped to their element and canonicalised", () => {
  const builder = create();
  builder.addAttribute({ name: "xmlns:a", value: "http://www.w3.org/2005/Atom" });
  builder.open("rss", false);
  builder.addAttribute({ name: "xmlns:a", value: "urn:other" });
  builder.open("a:link", true);
  builder.open("a:link", true);
  builder.close();
  assert.equal(elements(builder.root).map((element) => element.ns), ["urn:other", NS.atom]);
  assert.equal(builder.root?.attrs, [], "namespace declarations are not attributes");
});

test("a repeated attribute keeps its first value", () => {
  const builder = create();
  builder.addAttribute({ name: "a", value: "1" });
  builder.addAttribute({ name: "a", value: "2" });
  builder.open("r", true);
  assert.equal(builder.root?.attrs.map((attr) => attr.value), ["1"]);
});

test("elements past the depth limit are dropped and reported, and closing them keeps the stack straight", () => {
  const problems: string[] = [];
  const builder = create(problems, 2);
  builder.open("r", false);
  builder.open("a", false);
  builder.open("too-deep", false);
  builder.appendText("lost");
  builder.close();
  builder.appendText("kept");
  builder.close();
  builder.open("b", true);
  assert.equal(elements(builder.root).map((element) => element.local), ["a", "b"]);
  assert.equal(elements(builder.root)[0]?.children, ["kept"]);
  assert.equal(problems, ["elements are nested deeper than 2 levels"]);
});

test("an end tag saxes could not match reopens what saxes closed for it, and its echo is dropped from the text", () => {
  const builder = create();
  builder.open("rss", false);
  builder.open("item", false);
  builder.open("description", false);
  builder.appendText("a");
  // saxes, on </p>: closes description, item and rss, then reports the end tag as unmatched and keeps it as text.
  builder.close();
  assert.ok(builder.noteMismatch(), "the first element closed for a wrong end tag is the one to report");
  builder.close();
  assert.not.ok(builder.noteMismatch());
  builder.close();
  builder.noteMismatch();
  assert.is(builder.closeUnmatched("p"), "</p> matches no open element");
  builder.appendText("</p>b");
  assert.ok(builder.isOpen);
  // From here saxes has nothing open: an end tag the tree matches is not a problem of its own.
  assert.is(builder.closeUnmatched("description"), undefined);
  const description = elements(elements(builder.root)[0])[0];
  assert.equal(description?.children, ["ab"]);
  assert.is(builder.closeUnmatched("ITEM"), "</ITEM> closes <item>, written in another case");
});

test.run();
