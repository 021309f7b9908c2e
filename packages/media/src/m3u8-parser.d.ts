// Types for the parts of m3u8-parser (videojs) Tonearm uses; the package ships none.
declare module 'm3u8-parser' {
  export type ParsedSegment = {
    duration: number;
    uri: string;
    timeline?: number;
    map?: { uri: string };
  };
  export type ParsedPlaylist = {
    uri: string;
    attributes: Record<string, string | number | undefined>;
  };
  export type Manifest = {
    allowCache?: boolean;
    endList?: boolean;
    targetDuration?: number;
    playlistType?: string;
    mediaSequence?: number;
    independentSegments?: boolean;
    version?: number;
    segments: ParsedSegment[];
    playlists?: ParsedPlaylist[];
  };
  export class Parser {
    manifest: Manifest;
    push(chunk: string): void;
    end(): void;
    on(event: 'warn' | 'info', cb: (e: { message: string }) => void): void;
  }
}
