// BullMQ's keys must hash to one Redis Cluster slot per prefix: every prefix is a hash tag.
import { describe, expect, it } from 'vitest';
import { hashTagged, QUEUE_PREFIX } from '../src/connection';

describe('BullMQ prefixes', () => {
  it('wraps a plain prefix in a hash tag and keeps one that has a tag', () => {
    expect(hashTagged('bull')).toBe('{bull}');
    expect(hashTagged('bull-t123')).toBe('{bull-t123}');
    expect(hashTagged('{tonearm}')).toBe('{tonearm}');
    expect(hashTagged('prod:{q}')).toBe('prod:{q}');
    expect(hashTagged('{}')).toBe('{{}}');
    expect(QUEUE_PREFIX).toMatch(/\{[^}]+\}/);
  });
});
