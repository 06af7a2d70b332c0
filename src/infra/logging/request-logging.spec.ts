import { createRequestIdGenerator } from './request-logging.js';

describe(createRequestIdGenerator.name, () => {
  it('gives distinct ids within a process and a distinct prefix per process', () => {
    const first = createRequestIdGenerator();
    const ids = new Set(Array.from({ length: 1000 }, () => first()));
    expect(ids.size).toBe(1000);
    const [prefix] = first().split('-');
    expect(createRequestIdGenerator()().split('-')[0]).not.toBe(prefix);
  });
});
