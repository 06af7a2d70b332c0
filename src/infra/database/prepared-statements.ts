/**
 * Names for prepared statements, handed to `@prisma/adapter-pg` as its
 * `statementNameGenerator`. pg parses a named statement once per connection
 * and then only binds and executes it, so PostgreSQL skips the parse and plan
 * of every statement the service sends again and again (the provider's
 * storage: several statements per token request).
 *
 * A text gets a name the second time it is seen, so one-off statements (DDL
 * naming one tenant's schema) never hold a name; at most `capacity` texts are
 * named, each connection preparing each at most once. The empty string leaves
 * a statement unnamed (pg then parses it every time, as without a generator).
 */
export function repeatedStatementNames(prefix: string, capacity = 256, candidates = 4 * capacity): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  const seenOnce = new Set<string>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined) return name;
    if (names.size >= capacity) return '';
    if (!seenOnce.has(sql)) {
      // Bounded too: when too many texts wait for a second sighting, start again.
      if (seenOnce.size >= candidates) seenOnce.clear();
      seenOnce.add(sql);
      return '';
    }
    seenOnce.delete(sql);
    const named = `${prefix}${names.size}`;
    names.set(sql, named);
    return named;
  };
}
