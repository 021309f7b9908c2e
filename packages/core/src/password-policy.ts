// Password policy (docs/SECURITY.md): a strength estimate from zxcvbn-ts (dictionaries of common
// passwords, English words and names, keyboard patterns, sequences, dates, l33t), not a rule of
// character classes. A new password must score at least 3 of 4 ("safely unguessable: moderate
// protection from offline attacks") with the person's own email, handle and name counted as known.

import { AppError } from '@tonearm/validators';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/** Null when `password` is strong enough, else one sentence saying why not (and what helps). */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  // The estimator's cost grows with length; past 100 characters any password is long enough.
  const r = zxcvbn().check(password.slice(0, 100), userInputs.filter(Boolean));
  if (r.score >= MIN_PASSWORD_SCORE) return null;
  const why = r.feedback.warning || 'This password is easy to guess.';
  const help = r.feedback.suggestions[0] ?? 'Use a few uncommon words together.';
  return `${why.replace(/\.?$/, '.')} ${help}`;
}

/** Throws BAD_REQUEST (details.field = password) when the new password is too weak. */
export function assertStrongPassword(password: string, userInputs: string[] = []): void {
  const weakness = passwordWeakness(password, userInputs);
  if (weakness)
    throw new AppError('BAD_REQUEST', {
      message: `Choose a stronger password: ${weakness}`,
      details: { field: 'password', minScore: MIN_PASSWORD_SCORE },
    });
}
