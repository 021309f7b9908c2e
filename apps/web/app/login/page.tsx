'use client';
import { AuthForm } from '../../components/auth-form';
import { usePageTitle } from '../../lib/use-page-title';

export default function LoginPage() {
  usePageTitle('Log in');
  return (
    <div className="auth-card">
      <h1>Log in</h1>
      <AuthForm mode="login" />
    </div>
  );
}
