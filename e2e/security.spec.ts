// Security controls seen from the browser's side of the web port (docs/SECURITY.md).
import { expect, test } from '@playwright/test';

test.describe('one API host', () => {
  test('the web port serves no tRPC: a batched auth.logIn brute force gets a 404, not 500 answers', async ({
    request,
  }) => {
    const n = 500;
    const paths = Array.from({ length: n }, () => 'auth.logIn').join(',');
    const body = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        i,
        { email: 'victim@example.test', password: `guess number ${i}` },
      ]),
    );
    const res = await request.post(`/api/trpc/${paths}?batch=1`, { data: body });
    expect(res.status()).toBe(404);
    expect(res.headers()['set-cookie']).toBeUndefined();
    const single = await request.post('/api/trpc/auth.logIn', {
      data: { email: 'victim@example.test', password: 'guess number 1' },
    });
    expect(single.status()).toBe(404);
  });
});
