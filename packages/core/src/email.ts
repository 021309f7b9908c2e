// Transactional mail from domain code: enqueue only (the email job sends). Each producer names its
// idempotency key, so a retried sign-up or reset request never mails twice.
import { createHash } from 'node:crypto';
import { publicWebUrl } from '@tonearm/config';
import { Jobs } from '@tonearm/queue';
import { type CoreDeps, requireQueues } from './deps';

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** `link` carries the one-time token; the job id is derived from it, never the token itself. */
export async function enqueueVerifyEmail(
  deps: CoreDeps,
  user: { email: string; name: string },
  link: string,
) {
  await requireQueues(deps).enqueue(
    Jobs.sendEmail,
    { template: 'verifyEmail', to: user.email, name: user.name, link },
    { jobId: `verify-${short(link)}` },
  );
}

export async function enqueuePasswordResetEmail(
  deps: CoreDeps,
  user: { email: string; name: string },
  link: string,
) {
  await requireQueues(deps).enqueue(
    Jobs.sendEmail,
    { template: 'passwordReset', to: user.email, name: user.name, link },
    { jobId: `reset-${short(link)}` },
  );
}

/** The notice after a password change, with a link to reset it if the change was not the owner's. */
export async function enqueuePasswordChangedEmail(
  deps: CoreDeps,
  user: { id: string; email: string; name: string },
) {
  await requireQueues(deps).enqueue(
    Jobs.sendEmail,
    {
      template: 'passwordChanged',
      to: user.email,
      name: user.name,
      link: `${publicWebUrl()}/forgot-password`,
    },
    { jobId: `pwchanged-${user.id}-${Date.now()}` },
  );
}
