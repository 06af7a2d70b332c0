import { repeatedStatementNames } from './prepared-statements.js';

const query = (sql: string) => ({ sql });

describe('repeatedStatementNames', () => {
  it('names a text from its second sighting on, the same name every time', () => {
    const nameOf = repeatedStatementNames('s');
    expect(nameOf(query('SELECT 1'))).toBe('');
    expect(nameOf(query('SELECT 1'))).toBe('s0');
    expect(nameOf(query('SELECT 1'))).toBe('s0');
  });

  it('gives different texts different names', () => {
    const nameOf = repeatedStatementNames('s');
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 2']) nameOf(query(sql));
    expect([nameOf(query('SELECT 1')), nameOf(query('SELECT 2'))]).toEqual(['s0', 's1']);
  });

  it('leaves a text seen once unnamed however often other texts repeat', () => {
    const nameOf = repeatedStatementNames('s');
    expect(nameOf(query('CREATE SCHEMA "t_1"'))).toBe('');
    for (let i = 0; i < 5; i += 1) nameOf(query('SELECT 1'));
    expect(nameOf(query('CREATE SCHEMA "t_2"'))).toBe('');
  });

  it('names no more than its capacity; later texts stay unnamed, earlier ones keep their names', () => {
    const nameOf = repeatedStatementNames('s', 2);
    for (const sql of ['a', 'a', 'b', 'b', 'c', 'c', 'c']) nameOf(query(sql));
    expect([nameOf(query('a')), nameOf(query('b')), nameOf(query('c'))]).toEqual(['s0', 's1', '']);
  });

  it('forgets first sightings beyond its candidate bound', () => {
    const nameOf = repeatedStatementNames('s', 8, 2);
    for (const sql of ['a', 'b', 'c']) nameOf(query(sql));
    // 'a' was forgotten when 'c' came, so its next sighting counts as a first one.
    expect(nameOf(query('a'))).toBe('');
    expect(nameOf(query('a'))).toBe('s0');
  });
});
