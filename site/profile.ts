import { existsSync } from "node:fs";
import { join } from "node:path";
import { toSupportMethod, type SupportMethod } from "./payments.ts";
import { ContentError, locate, readYamlFile, type YamlFile } from "./yaml-file.ts";

/** A link on the profile (`rel="me"`). */
export interface ProfileLink {
  name: string;
  url: string;
}

/** A way to reach the creator, with its link (mailto:, xmpp:, tel:, https:). */
export interface ContactMethod {
  type: string;
  label: string;
  value: string;
  uri: string;
}

/** The creator's profile, validated, as both halves and the layouts use it. */
export interface Profile {
  name: string;
  handle: string;
  bio: string;
  /** Absolute URL of the avatar image, if any. */
  avatar: string | undefined;
  /** The capsule's public URL, always ending in `/`. */
  url: string;
  /** The path the site lives under on its host (`/` or `/repo/` on GitHub project pages). */
  pathPrefix: string;
  language: string;
  links: ProfileLink[];
  contact: ContactMethod[];
  support: SupportMethod[];
  /** How many of the newest posts the feed carries. */
  feedLimit: number;
}

/** Where the profile lives inside `content/`. */
export const PROFILE_FILE = "profile.yaml";

const FIELDS = ["name", "handle", "bio", "avatar", "url", "language", "links", "contact", "support", "feed"];

const CONTACTS: Record<string, { label: string; test: RegExp; uri: (v: string) => string; expected: string }> = {
  email: { label: "Email", test: /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, uri: (v) => `mailto:${v}`, expected: "an email address" },
  matrix: { label: "Matrix", test: /^@[^\s:]+:[^\s]+$/, uri: (v) => `https://matrix.to/#/${v}`, expected: "a Matrix ID such as @you:matrix.org" },
  xmpp: { label: "XMPP", test: /^[^\s@]+@[^\s@]+$/, uri: (v) => `xmpp:${v}`, expected: "an XMPP address such as you@jabber.example" },
  phone: { label: "Phone", test: /^\+[0-9 ()-]{6,20}$/, uri: (v) => `tel:${v.replace(/[ ()-]/g, "")}`, expected: "an international number starting with +" },
  fediverse: {
    label: "Fediverse",
    test: /^@[^\s@]+@[^\s@]+\.[^\s@]+$/,
    uri: (v) => { const [, user, host] = v.split("@"); return `https://${host}/@${user}`; },
    expected: "a handle such as @you@social.example",
  },
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && Boolean(url.hostname);
  } catch {
    return false;
  }
}

class ProfileReader {
  constructor(private readonly file: YamlFile, private readonly data: Record<string, unknown>) {}

  fail(path: (string | number)[], problem: string, hint: string): never {
    throw new ContentError(`${locate(this.file, path)}: ${path.join(".")} ${problem}`, { hint });
  }

  text(key: string, required: boolean): string | undefined {
    const value = this.data[key];
    if (value === undefined || value === null || value === "") {
      if (required) this.fail([key], "is missing.", `Add a line \`${key}: …\` to ${this.file.path}.`);
      return undefined;
    }
    if (typeof value !== "string" && typeof value !== "number") {
      this.fail([key], `must be text, not ${Array.isArray(value) ? "a list" : typeof value}.`, `Write it on one line: \`${key}: …\`.`);
    }
    return String(value).trim();
  }

  map(key: string): Record<string, unknown> {
    const value = this.data[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
      this.fail([key], "must be a list of `kind: value` lines.", `See the example in the sample ${this.file.path}.`);
    }
    return value as Record<string, unknown>;
  }
}

/** Reads and validates `content/profile.yaml`; a bad value stops with the file, line, field and fix. */
export function loadProfile(contentDir: string, overrideUrl = process.env.CAPSULE_URL): Profile {
  const path = join(contentDir, PROFILE_FILE);
  if (!existsSync(path)) {
    throw new ContentError(`${path} is missing.`, { hint: "Run `capsule init` to create your profile." });
  }
  const file = readYamlFile(path);
  if (!file.data || typeof file.data !== "object" || Array.isArray(file.data)) {
    throw new ContentError(`${path}: the profile must be a list of \`field: value\` lines.`, { hint: "Start from the sample profile." });
  }
  const data = file.data as Record<string, unknown>;
  const read = new ProfileReader(file, data);
  for (const key of Object.keys(data)) {
    if (!FIELDS.includes(key)) read.fail([key], "is not a profile field.", `Known fields: ${FIELDS.join(", ")}.`);
  }

  const rawUrl = overrideUrl || read.text("url", true)!;
  if (!isHttpUrl(rawUrl)) read.fail(["url"], `"${rawUrl}" is not a web address.`, "Write the full address, such as https://you.example/.");
  const site = new URL(rawUrl);
  site.pathname = site.pathname.endsWith("/") ? site.pathname : `${site.pathname}/`;
  site.search = "";
  site.hash = "";

  const avatar = read.text("avatar", false);
  if (avatar && !isHttpUrl(avatar) && !existsSync(join(contentDir, avatar))) {
    read.fail(["avatar"], `names ${avatar}, which is not in ${contentDir}/.`, "Put the picture in the content folder, or give its full https:// address.");
  }
  const links = readLinks(read, data.links);
  const contact = Object.entries(read.map("contact")).map(([type, raw]) => {
    const spec = CONTACTS[type];
    if (!spec) return read.fail(["contact", type], "is not a known contact type.", `Use one of ${Object.keys(CONTACTS).join(", ")}, or put the address under \`links\`.`);
    const value = String(raw ?? "").trim();
    if (!spec.test.test(value)) read.fail(["contact", type], `"${value}" is not ${spec.expected}.`, "Check for a typo.");
    return { type, label: spec.label, value, uri: spec.uri(value) };
  });
  const support = Object.entries(read.map("support")).map(([type, raw]) => {
    if (typeof raw === "number") {
      // YAML reads an unquoted 0x… address as a number, losing the address.
      return read.fail(["support", type], "was read as a number, not an address.", `Put the address in quotes: ${type}: "…".`);
    }
    const value = String(raw ?? "");
    const method = toSupportMethod(type, value);
    if ("unknownType" in method) {
      read.fail(["support", type], "is not a known payment type.", `Use one of ${method.expected}; put any other page under \`links\`.`);
    }
    if ("expected" in method) {
      return read.fail(["support", type], `"${value}" is not ${method.expected}.`, "Copy it again from your wallet or payment page: a wrong character sends money nowhere.");
    }
    return method;
  });
  const feed = read.map("feed");
  const feedLimit = feed.limit === undefined ? 50 : Number(feed.limit);
  if (!Number.isInteger(feedLimit) || feedLimit < 1 || feedLimit > 10000) {
    read.fail(["feed", "limit"], "must be a whole number from 1 to 10000.", "It is how many of the newest posts the feed carries (default 50).");
  }

  return {
    name: read.text("name", true)!,
    handle: read.text("handle", false) ?? site.hostname,
    bio: read.text("bio", false) ?? "",
    avatar: avatar ? new URL(avatar, site).href : undefined,
    url: site.href,
    pathPrefix: site.pathname,
    language: read.text("language", false) ?? "en",
    links,
    contact,
    support,
    feedLimit,
  };
}

function readLinks(read: ProfileReader, value: unknown): ProfileLink[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) read.fail(["links"], "must be a list of `- name: … url: …` items.", "See the sample profile.");
  return value.map((item: unknown, i: number) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const url = String(entry.url ?? "");
    if (!isHttpUrl(url)) read.fail(["links", i, "url"], `"${url}" is not a web address.`, "Write the full address, starting with https://.");
    return { name: String(entry.name ?? new URL(url).hostname), url };
  });
}
