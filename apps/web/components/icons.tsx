// Inline SVG icons (24×24, currentColor), hidden from assistive technology: every control that uses
// one carries its own text label.
import type { ReactNode } from 'react';

function Svg({ children, size = 20 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

type P = { size?: number };

export const PlayIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none" />
  </Svg>
);
export const PauseIcon = ({ size }: P) => (
  <Svg size={size}>
    <rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
    <rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
  </Svg>
);
export const NextIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M5 5v14l10-7z" fill="currentColor" stroke="none" />
    <path d="M18 5v14" />
  </Svg>
);
export const PrevIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M19 5v14L9 12z" fill="currentColor" stroke="none" />
    <path d="M6 5v14" />
  </Svg>
);
export const ShuffleIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M16 3h5v5M4 20 21 3M21 16v5h-5M15 15l6 6M4 4l5 5" />
  </Svg>
);
export const RepeatIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="m17 2 4 4-4 4" />
    <path d="M3 11v-1a4 4 0 0 1 4-4h14M7 22l-4-4 4-4" />
    <path d="M21 13v1a4 4 0 0 1-4 4H3" />
  </Svg>
);
export const RepeatOneIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="m17 2 4 4-4 4" />
    <path d="M3 11v-1a4 4 0 0 1 4-4h14M7 22l-4-4 4-4" />
    <path d="M21 13v1a4 4 0 0 1-4 4H3" />
    <path d="M11 10h1v4" />
  </Svg>
);
export const VolumeIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M11 5 6 9H2v6h4l5 4z" />
    <path d="M15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14" />
  </Svg>
);
export const MuteIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M11 5 6 9H2v6h4l5 4z" />
    <path d="m22 9-6 6M16 9l6 6" />
  </Svg>
);
export const QueueIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M3 6h13M3 12h13M3 18h9M19 14v7M16 18h6" />
  </Svg>
);
export const HomeIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="m3 10 9-7 9 7v10a1 1 0 0 1-1 1h-5v-7H9v7H4a1 1 0 0 1-1-1z" />
  </Svg>
);
export const SearchIcon = ({ size }: P) => (
  <Svg size={size}>
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-3.5-3.5" />
  </Svg>
);
export const LibraryIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M4 4v16M9 4v16M14 4l5 16" />
  </Svg>
);
export const PlaylistIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M3 6h12M3 12h12M3 18h7" />
    <circle cx="17" cy="17" r="3" />
    <path d="M20 17V5l2 1" />
  </Svg>
);
export const UploadIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M12 16V4M7 9l5-5 5 5M4 20h16" />
  </Svg>
);
export const SunIcon = ({ size }: P) => (
  <Svg size={size}>
    <circle cx="12" cy="12" r="4" />
    <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
  </Svg>
);
export const MoonIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
  </Svg>
);
export const SystemThemeIcon = ({ size }: P) => (
  <Svg size={size}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor" stroke="none" />
  </Svg>
);
export const PlusIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M12 5v14M5 12h14" />
  </Svg>
);
export const CloseIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Svg>
);
export const HeartIcon = ({ size, filled }: P & { filled?: boolean }) => (
  <Svg size={size}>
    <path
      d="M12 20s-7-4.4-9-9a5 5 0 0 1 9-3 5 5 0 0 1 9 3c-2 4.6-9 9-9 9z"
      fill={filled ? 'currentColor' : 'none'}
    />
  </Svg>
);
export const UpIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="m6 15 6-6 6 6" />
  </Svg>
);
export const DownIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="m6 9 6 6 6-6" />
  </Svg>
);
export const KeyboardIcon = ({ size }: P) => (
  <Svg size={size}>
    <rect x="2" y="6" width="20" height="12" rx="2" />
    <path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10" />
  </Svg>
);
export const DragIcon = ({ size }: P) => (
  <Svg size={size}>
    <path d="M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01" strokeWidth={3} />
  </Svg>
);
