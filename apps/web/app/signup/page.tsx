'use client';
import { AuthForm } from '../../components/auth-form';
import { usePageTitle } from '../../lib/use-page-title';

export default function SignupPage() {
  usePageTitle('Sign up');
  return (
    <div className="auth-card">
      <h1>Create your account</h1>
      <AuthForm mode="signup" />
    </div>
  );
}
