import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGeometry } from "../../../crawler/parse/geo.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

const NSS = 'xmlns:georss="http://www.georss.org/georss" xmlns:gml="http://www.opengis.net/gml" xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#"';
const geometry = (inner: string) => readGeometry(readXml(`<entry ${NSS}>${inner}</entry>`, { lenient: false, url: "https://g.example/" }).root);

test("GeoRSS Simple is latitude first; GeoJSON positions are longitude first", () => {
  assert.equal(geometry("<georss:point> 36.9382 31.1732 </georss:point>"), { type: "Point", coordinates: [31.1732, 36.9382] });
  assert.equal(geometry("<georss:line>1 2 3 4</georss:line>"), { type: "LineString", coordinates: [[2, 1], [4, 3]] });
  assert.equal(geometry("<georss:box>1 2 3 4</georss:box>"), { type: "Box", coordinates: [[2, 1], [4, 3]] });
  assert.equal(geometry("<georss:polygon>0 0 0 1 1 1 0 0</georss:polygon>")?.type, "Polygon");
});

test("GML in WGS 84 is swapped; other reference systems keep their axis order; 3D positions keep height", () => {
  assert.equal(geometry("<georss:where><gml:Point><gml:pos>36.9 31.1</gml:pos></gml:Point></georss:where>"), { type: "Point", coordinates: [31.1, 36.9] });
  assert.equal(geometry('<georss:where><gml:Point srsName="EPSG:26913"><gml:pos>36.9 31.1</gml:pos></gml:Point></georss:where>'), { type: "Point", coordinates: [36.9, 31.1] });
  assert.equal(geometry('<georss:where><gml:Point srsDimension="3"><gml:pos>42 -156 45</gml:pos></gml:Point></georss:where>'), { type: "Point", coordinates: [-156, 42, 45] });
  assert.equal(geometry("<georss:where><gml:Envelope><gml:lowerCorner>1 2</gml:lowerCorner><gml:upperCorner>3 4</gml:upperCorner></gml:Envelope></georss:where>"), { type: "Box", coordinates: [[2, 1], [4, 3]] });
});

test("W3C Basic Geo, and nothing for missing or broken coordinates", () => {
  assert.equal(geometry("<geo:lat>51.5</geo:lat><geo:long>-0.12</geo:long>"), { type: "Point", coordinates: [-0.12, 51.5] });
  assert.is(geometry("<georss:point>north south</georss:point>"), null);
  assert.is(geometry("<georss:point>1 2 3</georss:point>"), null);
  assert.is(geometry("<title>none</title>"), null);
});

test.run();
