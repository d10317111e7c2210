import { html, type SafeHtml } from "./html.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();
const rendered = new Map<string, SafeHtml>();

/** A `<time>` element with the machine date and a human date in the page's language (UTC). */
export function renderTime(date: Date, language: string): SafeHtml {
  // Each post's date is shown on its page, the timeline and its tags: format it once.
  const key = `${language} ${date.getTime()}`;
  let time = rendered.get(key);
  if (!time) {
    time = html`<time datetime="${date.toISOString()}">${formatterFor(language).format(date)}</time>`;
    if (rendered.size > 50_000) rendered.clear();
    rendered.set(key, time);
  }
  return time;
}

function formatterFor(language: string): Intl.DateTimeFormat {
  let format = formatters.get(language);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeZone: "UTC" });
    } catch {
      format = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
    }
    formatters.set(language, format);
  }
  return format;
}

/** A file size for people: 12 KB, 3.4 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The first words of a text, for titles of notes that have none. */
export function excerpt(text: string, words = 12): string {
  const parts = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().split(" ");
  return parts.length > words ? `${parts.slice(0, words).join(" ")}…` : parts.join(" ");
}
