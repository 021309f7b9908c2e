import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="page-header">
      <div>
        <h1>Page not found</h1>
        <p className="meta">
          That page does not exist. <Link href="/">Go home</Link>
        </p>
      </div>
    </div>
  );
}
