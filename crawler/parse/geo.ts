/**
 * Where an entry is about, from GeoRSS Simple (`georss:point "lat lon"`, `line`, `polygon`, `box`), GeoRSS
 * GML (`georss:where` holding `gml:Point`, `gml:LineString`, `gml:Polygon`, `gml:Envelope`) and W3C Basic Geo
 * (`geo:lat`, `geo:long`), as GeoJSON-style geometry: positions are [longitude, latitude(, height)]
 * (RFC 7946 §3.1.1). GeoRSS writes latitude first; GML in a non-WGS 84 `srsName` (UTM…) keeps its own axis
 * order, since swapping would be wrong there. https://docs.ogc.org/cs/17-002r1/17-002r1.html
 */
import type { FeedGeometry } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { childElements, childText, findChild, getAttr, textContent } from "./xml-tree.ts";

const GEORSS = "http://www.georss.org/georss";
const GML = "http://www.opengis.net/gml";
const BASIC_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#";

/** Reads an entry's location; null when it has none or the coordinates are not numbers. */
export function readGeometry(entry: XmlElement): FeedGeometry | null {
  for (const [local, type] of [["point", "Point"], ["line", "LineString"], ["polygon", "Polygon"], ["box", "Box"]] as const) {
    const element = findChild(entry, GEORSS, local);
    if (element) return buildGeometry(type, readPositions(textContent(element), 2, true));
  }
  const where = findChild(entry, GEORSS, "where") ?? entry;
  const gml = childElements(where).find((child) => child.ns === GML);
  if (gml) return readGml(gml);
  const lat = Number(childText(entry, BASIC_GEO, "lat"));
  const long = Number(childText(entry, BASIC_GEO, "long"));
  return Number.isFinite(lat) && Number.isFinite(long) && childText(entry, BASIC_GEO, "lat") !== null
    ? { type: "Point", coordinates: [long, lat] }
    : null;
}

function readGml(element: XmlElement): FeedGeometry | null {
  const dimension = Number(getAttr(element, "srsdimension") ?? 2) === 3 ? 3 : 2;
  const srs = getAttr(element, "srsname") ?? "";
  // WGS 84 (EPSG:4326, its 3D form 4979, or no srsName) is latitude-first in GML; other systems are left alone.
  const isLatLong = srs === "" || /(?:^|[:/])(?:4326|4979)$/.test(srs) || /wgs.?84/i.test(srs);
  const positions = (text: string | null) => readPositions(text ?? "", dimension, isLatLong);
  switch (element.local) {
    case "Point":
      return buildGeometry("Point", positions(childText(element, GML, "pos") ?? childText(element, GML, "coordinates")));
    case "LineString":
      return buildGeometry("LineString", positions(childText(element, GML, "poslist")));
    case "Polygon": {
      const ring = findChild(findChild(element, GML, "exterior") ?? element, GML, "linearring");
      return buildGeometry("Polygon", positions(ring ? childText(ring, GML, "poslist") : null));
    }
    case "Envelope":
      return buildGeometry("Box", positions(`${childText(element, GML, "lowercorner") ?? ""} ${childText(element, GML, "uppercorner") ?? ""}`));
    default:
      return null;
  }
}

/** Splits "a b c d…" into positions of `dimension` numbers, swapping the first two when they are lat-long. */
function readPositions(text: string, dimension: number, isLatLong: boolean): number[][] | null {
  const numbers = text.trim().split(/[\s,]+/).filter(Boolean).map(Number);
  if (numbers.length === 0 || numbers.length % dimension !== 0 || numbers.some((value) => !Number.isFinite(value))) return null;
  const positions: number[][] = [];
  for (let index = 0; index < numbers.length; index += dimension) {
    const position = numbers.slice(index, index + dimension);
    if (isLatLong) [position[0], position[1]] = [position[1] as number, position[0] as number];
    positions.push(position);
  }
  return positions;
}

function buildGeometry(type: FeedGeometry["type"], positions: number[][] | null): FeedGeometry | null {
  if (!positions) return null;
  if (type === "Point") return positions.length === 1 && positions[0] ? { type, coordinates: positions[0] } : null;
  if (type === "Box") return positions.length === 2 ? { type, coordinates: positions } : null;
  if (type === "Polygon") return positions.length >= 4 ? { type, coordinates: [positions] } : null;
  return positions.length >= 2 ? { type, coordinates: positions } : null;
}
