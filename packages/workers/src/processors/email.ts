// Transactional mail (verify address, password reset, password changed) through nodemailer to SMTP.
// Idempotent per job id: a mark in Redis after a successful send stops a retried or re-enqueued job
// from mailing twice (a crash between send and mark can still duplicate: SMTP has no idempotency key).
import { env } from '@tonearm/config';
import { metrics } from '@tonearm/observability';
import { Jobs } from '@tonearm/queue';
import { UnrecoverableError } from 'bullmq';
import { defineProcessor } from '../processor';
import { renderEmail } from './email-templates';

const SENT_TTL_SECONDS = 7 * 24 * 3600;

export const emailProcessor = defineProcessor({
  job: Jobs.sendEmail,
  concurrency: 4,
  async handle(payload, { job, log, deps }) {
    const { redis, mailer } = deps;
    const mark = `email:sent:${job.id}`;
    if (await redis.exists(mark)) {
      log.info({ 'email.template': payload.template }, 'mail already sent for this job: skipped');
      return { skipped: true };
    }
    if ((payload.template === 'verifyEmail' || payload.template === 'passwordReset') && !payload.link) {
      throw new UnrecoverableError(`${payload.template} mail needs a link`);
    }
    if (!mailer) throw new Error('SMTP_URL is not set: transactional mail cannot be sent');
    const mail = renderEmail(payload);
    const info = await mailer.sendMail({
      from: env().EMAIL_FROM,
      to: payload.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'X-Tonearm-Job': String(job.id) },
    });
    await redis.set(mark, info.messageId ?? '1', 'EX', SENT_TTL_SECONDS);
    metrics.emailsSent.inc({ template: payload.template });
    return { messageId: info.messageId };
  },
});
