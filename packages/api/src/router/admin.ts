import {
  adminListUsers,
  adminSendPasswordReset,
  adminSetDisabled,
  adminSetRole,
  createInvite,
  listInvites,
} from '@tonearm/core';
import {
  ZAdminDisableInput,
  ZAdminUserInput,
  ZAdminUsersInput,
  ZCreateInviteInput,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

const ZAdminUser = z.object({
  id: z.string(),
  email: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: z.enum(['user', 'admin']),
  emailVerified: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const ZInvite = z.object({
  id: z.string(),
  note: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  link: z.string().optional(),
});

/** The admin users page: list, search, disable, promote, reset by email; invite links. */
export const adminRouter = {
  users: adminProcedure
    .input(ZAdminUsersInput)
    .output(z.array(ZAdminUser))
    .query(({ input }) => adminListUsers(input)),
  setDisabled: adminProcedure
    .input(ZAdminDisableInput)
    .output(ZAdminUser)
    .mutation(({ ctx, input }) => adminSetDisabled(ctx.deps, ctx.userId, input.userId, input.disabled)),
  promote: adminProcedure
    .input(ZAdminUserInput)
    .output(ZAdminUser)
    .mutation(({ ctx, input }) => adminSetRole(ctx.deps, ctx.userId, input.userId, 'admin')),
  demote: adminProcedure
    .input(ZAdminUserInput)
    .output(ZAdminUser)
    .mutation(({ ctx, input }) => adminSetRole(ctx.deps, ctx.userId, input.userId, 'user')),
  sendPasswordReset: adminProcedure
    .input(ZAdminUserInput)
    .output(z.object({ sent: z.literal(true) }))
    .mutation(({ ctx, input }) => adminSendPasswordReset(ctx.deps, input.userId)),
  /** The link (with its code) is returned once. */
  createInvite: adminProcedure
    .input(ZCreateInviteInput)
    .output(ZInvite)
    .mutation(({ ctx, input }) => createInvite(ctx.userId, input)),
  invites: adminProcedure.output(z.array(ZInvite)).query(() => listInvites()),
} satisfies TRPCRouterRecord;
