// Plain-text and HTML bodies of the transactional mails. Every interpolated value is escaped in HTML.

import type { ZEmailPayload } from '@tonearm/queue';
import type { z } from 'zod';

type Payload = z.infer<typeof ZEmailPayload>;
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderEmail(p: Payload): { subject: string; text: string; html: string } {
  const link = p.link ?? '';
  switch (p.template) {
    case 'verifyEmail':
      return {
        subject: 'Confirm your email address',
        text: `Hi ${p.name},\n\nConfirm your address by opening this link:\n${link}\n\nIt expires in 24 hours.\n`,
        html: `<p>Hi ${esc(p.name)},</p><p><a href="${esc(link)}">Confirm your address</a>. It expires in 24 hours.</p>`,
      };
    case 'passwordReset':
      return {
        subject: 'Reset your Tonearm password',
        text: `Hi ${p.name},\n\nReset your password with this link:\n${link}\n\nIt expires in 1 hour. If you did not ask, ignore this mail.\n`,
        html: `<p>Hi ${esc(p.name)},</p><p><a href="${esc(link)}">Reset your password</a>. It expires in 1 hour. If you did not ask, ignore this mail.</p>`,
      };
    case 'passwordChanged':
      return {
        subject: 'Your Tonearm password was changed',
        text: `Hi ${p.name},\n\nThe password of your Tonearm account was just changed and every other session was signed out.\nIf this was not you, reset your password now${link ? `: ${link}` : ''} and tell your server's admin.\n`,
        html: `<p>Hi ${esc(p.name)},</p><p>The password of your Tonearm account was just changed and every other session was signed out.</p><p>If this was not you, ${link ? `<a href="${esc(link)}">reset your password now</a>` : 'reset your password now'} and tell your server's admin.</p>`,
      };
  }
}
