// Eleventy 3 ships no type declarations; these cover the parts Capsule calls.
declare module "@11ty/eleventy" {
  interface EleventyOptions {
    configPath?: string;
    quietMode?: boolean;
    runMode?: "build" | "serve" | "watch";
    pathPrefix?: string;
    config?: (eleventyConfig: unknown) => unknown;
  }
  export default class Eleventy {
    constructor(input?: string, output?: string, options?: EleventyOptions);
    init(): Promise<void>;
    write(): Promise<unknown>;
    toJSON(): Promise<{ url: string; inputPath: string; outputPath: string; content: string }[]>;
    watch(): Promise<void>;
    serve(port?: number): Promise<void>;
    stopWatch(): Promise<void>;
    setIncrementalBuild(incremental: boolean): void;
    disableLogger?(): void;
  }
}

declare module "@11ty/eleventy-plugin-rss" {
  export function dateToRfc822(date: Date | string): string;
  export function dateToRfc3339(date: Date | string): string;
  export function absoluteUrl(url: string, base: string): string;
}
