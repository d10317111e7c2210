import { test } from "uvu";
import * as assert from "uvu/assert";
import { readMediaDescription, readMediaThumbnail } from "../../../crawler/parse/media.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

const entry = (inner: string) => readXml(`<entry xmlns:media="http://search.yahoo.com/mrss/">${inner}</entry>`, { lenient: false, url: "https://m.example/" }).root;

test("media:description and media:thumbnail inside media:group, as video feeds write them", () => {
  const element = entry('<media:group><media:title>V</media:title><media:description>About the video</media:description><media:thumbnail url="/t.jpg" width="480"/></media:group>');
  assert.equal(readMediaDescription(element, { language: null }), { value: "About the video", type: "text", base: "https://m.example/", language: null });
  assert.is(readMediaThumbnail(element), "https://m.example/t.jpg");
});

test("an html media:description is HTML; absent elements are null", () => {
  assert.is(readMediaDescription(entry('<media:description type="html">&lt;b&gt;x&lt;/b&gt;</media:description>'), { language: null })?.type, "html");
  assert.is(readMediaDescription(entry("<title>x</title>"), { language: null }), null);
  assert.is(readMediaThumbnail(entry("<title>x</title>")), null);
});

test.run();
