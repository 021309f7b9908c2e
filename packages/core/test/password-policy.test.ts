// The password policy is zxcvbn-ts's estimate, not a length rule: common and patterned passwords of
// any length are refused with a reason; a few uncommon words pass; the person's own details count.
import { describe, expect, it } from 'vitest';
import { assertStrongPassword, passwordWeakness } from '../src/password-policy';

describe('password policy', () => {
  it.each(['12345678', 'password1', 'Pa$$w0rd!', 'qwertyuiop', 'Hunter2Hunter2', 'aaaaaaaaaaaa'])(
    'refuses %s with a reason',
    (p) => {
      expect(passwordWeakness(p)).toMatch(/\w+.*\./);
    },
  );

  it('accepts a few uncommon words', () => {
    expect(passwordWeakness('correct horse battery staple')).toBeNull();
    expect(passwordWeakness('violet tram juggles 1987 pianos')).toBeNull();
  });

  it("counts the person's own handle and email as known words", () => {
    expect(passwordWeakness('zanzibarella2024')).toBeNull();
    expect(
      passwordWeakness('zanzibarella2024', ['zanzibarella', 'zanzibarella@example.test']),
    ).not.toBeNull();
  });

  it('throws BAD_REQUEST naming the password field', () => {
    expect(() => assertStrongPassword('12345678')).toThrow(/Choose a stronger password/);
    try {
      assertStrongPassword('12345678');
    } catch (e) {
      expect(e).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'password' } });
    }
  });
});
