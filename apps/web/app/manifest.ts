// The web app manifest: Tonearm installs as an app on phones and desktops (served at /manifest.webmanifest).
import type { MetadataRoute } from 'next';

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: 'Tonearm',
    short_name: 'Tonearm',
    description: 'Your own music server',
    start_url: '/',
    display: 'standalone',
    background_color: '#121416',
    theme_color: '#0d6e66',
    icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
  };
}
