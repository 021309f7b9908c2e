declare module 'notepack.io' {
  export function decode(buf: Buffer): unknown;
  export function encode(value: unknown): Buffer;
}
