import { describe, expect, it } from 'vitest';
import { commentSchema, ratingParamSchema, summarize, tally } from '../../functions/domain/feedback.js';

describe('feedback summary', () => {
  it('has no average while there are no ratings', () => {
    expect(summarize('acme', tally([]))).toEqual({
      store: 'acme',
      count: 0,
      average: null,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    });
  });

  it('counts each rating in its bucket and averages them', () => {
    const summary = summarize('acme', tally([5, 4, 4, 1]));

    expect(summary.count).toBe(4);
    expect(summary.average).toBe(3.5);
    expect(summary.distribution).toEqual({ 1: 1, 2: 0, 3: 0, 4: 2, 5: 1 });
  });

  it('rounds the average to two decimals', () => {
    expect(summarize('acme', tally([5, 4, 4])).average).toBe(4.33);
    expect(summarize('acme', { 1: 0, 2: 1, 3: 0, 4: 0, 5: 2 }).average).toBe(4);
  });

  it('derives count and average from the stored bucket counters', () => {
    expect(summarize('acme', { 1: 10, 2: 0, 3: 0, 4: 0, 5: 30 })).toMatchObject({ count: 40, average: 4 });
  });
});

describe('feedback input', () => {
  it('accepts ratings 1 to 5 from a query string', () => {
    expect(['1', '2', '3', '4', '5'].map((r) => ratingParamSchema.parse(r))).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects ratings out of range or not whole', () => {
    for (const bad of ['0', '6', '4.5', '', ' 4', 'five', '10', '-1']) expect(ratingParamSchema.safeParse(bad).success).toBe(false);
  });

  it('trims a comment and bounds it at 2000 characters', () => {
    expect(commentSchema.parse('  great shoes  ')).toBe('great shoes');
    expect(commentSchema.safeParse('   ').success).toBe(false);
    expect(commentSchema.safeParse('x'.repeat(2000)).success).toBe(true);
    expect(commentSchema.safeParse('x'.repeat(2001)).success).toBe(false);
  });
});
