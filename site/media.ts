import { extname } from "node:path";

const TYPES: Record<string, string> = {
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
  ".avif": "image/avif", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg", ".opus": "audio/opus", ".m4a": "audio/mp4", ".mp4": "video/mp4", ".webm": "video/webm",
  ".txt": "text/plain", ".csv": "text/csv", ".zip": "application/zip", ".epub": "application/epub+zip",
  ".gpx": "application/gpx+xml", ".stl": "model/stl",
};

/** File extensions copied from `content/` into the site (never Markdown, never anything else). */
export const MEDIA_EXTENSIONS = Object.keys(TYPES).map((e) => e.slice(1));

/** The media type of a file by its extension. */
export function mediaTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
}
