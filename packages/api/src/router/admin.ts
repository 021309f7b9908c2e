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
  ZAdminUserDto,
  ZAdminUserInput,
  ZAdminUsersInput,
  ZCreateInviteInput,
  ZInviteDto,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

/** The admin users page: list, search, disable, promote, reset by email; invite links. */
export const adminRouter = {
  users: adminProcedure
    .input(ZAdminUsersInput)
    .output(z.array(ZAdminUserDto))
    .query(({ input }) => adminListUsers(input)),
  setDisabled: adminProcedure
    .input(ZAdminDisableInput)
    .output(ZAdminUserDto)
    .mutation(({ ctx, input }) => adminSetDisabled(ctx.deps, ctx.userId, input.userId, input.disabled)),
  promote: adminProcedure
    .input(ZAdminUserInput)
    .output(ZAdminUserDto)
    .mutation(({ ctx, input }) => adminSetRole(ctx.deps, ctx.userId, input.userId, 'admin')),
  demote: adminProcedure
    .input(ZAdminUserInput)
    .output(ZAdminUserDto)
    .mutation(({ ctx, input }) => adminSetRole(ctx.deps, ctx.userId, input.userId, 'user')),
  sendPasswordReset: adminProcedure
    .input(ZAdminUserInput)
    .output(z.object({ sent: z.literal(true) }))
    .mutation(({ ctx, input }) => adminSendPasswordReset(ctx.deps, input.userId)),
  /** The link (with its code) is returned once. */
  createInvite: adminProcedure
    .input(ZCreateInviteInput)
    .output(ZInviteDto)
    .mutation(({ ctx, input }) => createInvite(ctx.userId, input)),
  invites: adminProcedure.output(z.array(ZInviteDto)).query(() => listInvites()),
} satisfies TRPCRouterRecord;
