// Transactional mail from domain code: enqueue only (the email job sends). Each helper names its
// idempotency key, so a retried sign-up or reset request never mails twice.
import { createHash } from 'node:crypto';
import { Jobs } from '@tonearm/queue';
import { type CoreDeps, requireQueues } from './deps';

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

export async function enqueueWelcomeEmail(deps: CoreDeps, user: { id: string; email: string; name: string }) {
  await requireQueues(deps).enqueue(
    Jobs.sendEmail,
    { template: 'welcome', to: user.email, name: user.name },
    { jobId: `welcome-${user.id}` },
  );
}

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

/** Cover processing after an upload of `sourceKey` to S3. */
export async function enqueueCoverProcessing(
  deps: CoreDeps,
  target: { kind: 'album' | 'artist'; id: string },
  sourceKey: string,
) {
  await requireQueues(deps).enqueue(
    Jobs.processCover,
    { kind: target.kind, id: target.id, sourceKey },
    { jobId: `cover-${target.kind}-${target.id}-${short(sourceKey)}` },
  );
}
