/** MAJOR.MINOR.PATCH[-prerelease][+build], an optional leading "v" (semver.org 2.0.0). */
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export interface Semver {
  core: [number, number, number];
  prerelease: (string | number)[];
}

export function parseSemver(text: string): Semver | undefined {
  if (text.length > 100) return undefined;
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  const prerelease = match[4] ? match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [];
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], prerelease };
}

/** Precedence (semver.org §11): -1, 0 or 1. Build metadata is ignored. */
export function compareSemver(left: Semver, right: Semver): number {
  for (let index = 0; index < 3; index += 1) {
    const difference = left.core[index]! - right.core[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  // A version without a prerelease ranks above the same version with one.
  if (left.prerelease.length === 0 || right.prerelease.length === 0) return Math.sign(right.prerelease.length - left.prerelease.length);
  const length = Math.min(left.prerelease.length, right.prerelease.length);
  for (let index = 0; index < length; index += 1) {
    const a = left.prerelease[index]!;
    const b = right.prerelease[index]!;
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : 1;
  }
  return Math.sign(left.prerelease.length - right.prerelease.length);
}
