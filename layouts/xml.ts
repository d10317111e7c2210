/** XML text for element content and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // XML 1.0 §2.2: only tab, newline, carriage return and U+0020 upward (minus surrogates/FFFE/FFFF).
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"));
}

/** `<name>text</name>`, or nothing when the text is empty. */
export function xmlElement(name: string, text: string | undefined, attributes = ""): string {
  return text ? `<${name}${attributes}>${escapeXml(text)}</${name}>` : "";
}
