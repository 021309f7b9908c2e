// @tonearm/media: S3 storage, the ffmpeg HLS ladder, CloudFront signing and the dev edge that verifies
// signatures as CloudFront does. Server-side only; the client-safe hls.js config is ./hls-config.

export * from './album-loudness';
export * from './cloudfront-verify';
export * from './edge';
export * from './ffmpeg';
export * from './fixtures';
export * from './gapless';
export * from './hls';
export * from './hls-config';
export * from './ladder';
export * from './mp4';
export * from './publish';
export * from './record';
export * from './signer';
export * from './storage';
