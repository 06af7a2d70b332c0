import { ifNoneMatchHolds, responseEntityTag } from './entity-tag.js';

describe(responseEntityTag.name, () => {
  it('tags equal bodies equally and different ones differently', () => {
    expect(responseEntityTag(JSON.stringify({ a: 1 }))).toBe(responseEntityTag(Buffer.from('{"a":1}')));
    expect(responseEntityTag('{"a":1}')).not.toBe(responseEntityTag('{"a":2}'));
  });
});

describe(ifNoneMatchHolds.name, () => {
  it('matches If-None-Match lists, weak tags and *', () => {
    const tag = responseEntityTag('{"a":1}');
    expect(ifNoneMatchHolds(tag, tag)).toBe(true);
    expect(ifNoneMatchHolds(`"other", W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHolds('*', tag)).toBe(true);
    expect(ifNoneMatchHolds('"other"', tag)).toBe(false);
    expect(ifNoneMatchHolds(undefined, tag)).toBe(false);
  });
});
