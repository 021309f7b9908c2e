// Debian's Chromium for every Playwright suite (never a downloaded browser), with the flags this
// machine needs: no sandbox as root, no GPU, and no background networking (the closed network
// refuses those connections), and audio that may start without a gesture.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
