import { test } from "uvu";
import * as assert from "uvu/assert";
import { readBlocked, readCloud, readExplicit, readInReplyTo, readLicense, readMovedTo } from "../../../crawler/parse/extensions.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

const NSS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:cc="http://web.resource.org/cc/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:creativeCommons="http://backend.userland.com/creativeCommonsRssModule" xmlns:thr="http://purl.org/syndication/thread/1.0"';
const element = (inner: string) => readXml(`<x ${NSS}>${inner}</x>`, { lenient: false, url: "https://e.example/" }).root;

test("licences from both Creative Commons modules, or a license link", () => {
  assert.is(readLicense(element('<cc:license rdf:resource="https://creativecommons.org/licenses/by/4.0/"/>'), []), "https://creativecommons.org/licenses/by/4.0/");
  assert.is(readLicense(element("<creativeCommons:license>https://creativecommons.org/licenses/by-nc/1.0</creativeCommons:license>"), []), "https://creativecommons.org/licenses/by-nc/1.0");
  assert.is(readLicense(element(""), [{ href: "https://l.example/", rel: "license", type: null, title: null, hreflang: null, length: null }]), "https://l.example/");
  assert.is(readLicense(element(""), []), null);
});

test("podcast flags: block is 'yes' in any case, explicit reads yes/no/clean", () => {
  assert.ok(readBlocked(element("<itunes:block> Yes </itunes:block>")));
  assert.not.ok(readBlocked(element("<itunes:block>no</itunes:block>")));
  assert.is(readExplicit(element("<itunes:explicit>yes</itunes:explicit>")), true);
  assert.is(readExplicit(element("<itunes:explicit>clean</itunes:explicit>")), false);
  assert.is(readExplicit(element("")), null);
});

test("replies, moves and rssCloud", () => {
  assert.equal(readInReplyTo(element('<thr:in-reply-to ref="urn:a" href="/a" source="/feed"/><thr:in-reply-to href="/no-ref"/>')),
    [{ ref: "urn:a", href: "https://e.example/a", type: null, source: "https://e.example/feed" }]);
  const root = element("<redirect><newLocation>/new.xml</newLocation></redirect>");
  assert.is(readMovedTo(root, root, ""), "https://e.example/new.xml");
  assert.is(readCloud(element('<cloud domain="d" port="x" path="/p" protocol="soap"/>'), "")?.port, null);
  assert.is(readCloud(element('<cloud domain="d"/>'), ""), null);
});

test.run();
