// ECS field names and redaction of secrets, cookies, tokens and API keys in the JSON logs.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, onShutdown, runShutdownHooks } from '../src';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { log: createLogger('test-svc', 'debug', stream), lines, raw };
}

const apiKey = 'ta_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'.slice(0, 3 + 8 + 1 + 32);

describe('logger', () => {
  it('writes ECS field names', () => {
    const { log, lines } = capture();
    log
      .child({ 'http.request.id': 'r1', 'user.id': 'u1' })
      .info({ 'trpc.procedure': 'song.top', 'event.duration': 1200 }, 'song.top OK');
    const l = lines[0]!;
    expect(l['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(l['log.level']).toBe('info');
    expect(l.message).toBe('song.top OK');
    expect(l['service.name']).toBe('test-svc');
    expect(l['ecs.version']).toBe('8.11.0');
    expect(l['http.request.id']).toBe('r1');
    expect(l['user.id']).toBe('u1');
    expect(l['trpc.procedure']).toBe('song.top');
    expect(l).not.toHaveProperty('level');
    expect(l).not.toHaveProperty('msg');
  });

  it('writes errors as ECS error.type / error.message / error.stack_trace', () => {
    const { log, lines } = capture();
    const e = Object.assign(new Error('boom'), { code: 'E42' });
    log.error({ err: e }, 'failed');
    log.error(new Error('bare'));
    expect(lines[0]!.error).toMatchObject({ type: 'Error', message: 'boom', code: 'E42' });
    expect((lines[0]!.error as { stack_trace: string }).stack_trace).toContain('logger.test.ts');
    expect(lines[0]).not.toHaveProperty('err');
    expect(lines[1]!.error).toMatchObject({ type: 'Error', message: 'bare' });
  });

  it('redacts secrets by key at any depth and in any case', () => {
    const { log, raw } = capture();
    log.info(
      {
        password: 'hunter2hunter2',
        user: { Password: 'p4ss-nested', passwordHash: '$argon2id$v=19$abc' },
        'http.request.headers': {
          cookie: 'tonearm_session=SESSIONSECRETVALUE',
          authorization: 'Bearer AUTHTOKENVALUE',
          'x-api-key': apiKey,
        },
        res: { headers: { 'set-cookie': 'tonearm_session=SETCOOKIEVALUE; Path=/' } },
        deep: { a: { b: { c: { resetToken: 'RESETTOKENVALUE', S3_SECRET_ACCESS_KEY: 'S3SECRETVALUE' } } } },
        config: { SESSION_SECRET: 'SESSIONSECRETCONFIG' },
        list: [{ apiKey: 'LISTKEY' }],
      },
      'secrets everywhere',
    );
    const out = raw.join('\n');
    for (const secret of [
      'hunter2hunter2',
      'p4ss-nested',
      'argon2id',
      'SESSIONSECRETVALUE',
      'AUTHTOKENVALUE',
      apiKey,
      'SETCOOKIEVALUE',
      'RESETTOKENVALUE',
      'S3SECRETVALUE',
      'SESSIONSECRETCONFIG',
      'LISTKEY',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out).toContain('secrets everywhere');
  });

  it('masks secrets recognisable inside strings: API keys, session cookies, link tokens', () => {
    const { log, raw } = capture();
    log.warn(
      { 'url.full': 'https://tonearm.example/reset?token=ONE-TIME-TOKEN&lang=en' },
      `client sent ${apiKey} with tonearm_session=COOKIEINMESSAGE`,
    );
    log.error({ err: new Error(`bad key ${apiKey}`) }, 'oops');
    const out = raw.join('\n');
    expect(out).not.toContain(apiKey);
    expect(out).not.toContain('ONE-TIME-TOKEN');
    expect(out).not.toContain('COOKIEINMESSAGE');
    expect(out).toContain('lang=en');
  });
});

describe('shutdown hooks', () => {
  it('runs registered hooks once, in order, past one that throws or hangs', async () => {
    const ran: string[] = [];
    onShutdown('sockets', () => {
      ran.push('sockets');
    });
    onShutdown('broken', () => {
      throw new Error('x');
    });
    onShutdown('hangs', () => new Promise(() => {}));
    const off = onShutdown('removed', () => {
      ran.push('removed');
    });
    onShutdown('last', async () => {
      ran.push('last');
    });
    off();
    await runShutdownHooks(undefined, 100);
    await runShutdownHooks(undefined, 100);
    expect(ran).toEqual(['sockets', 'last']);
  });
});
