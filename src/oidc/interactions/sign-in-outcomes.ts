import { Injectable } from '@nestjs/common';

/** What became of one password sign-in: signed in, wrong credentials, or refused unchecked because the account or address is locked. */
export const SIGN_IN_OUTCOMES = ['success', 'failure', 'locked'] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/**
 * Announces each sign-in's outcome to whoever follows them (metrics), so the
 * sign-in steps know nothing of their observers and nothing here depends on
 * a module above oidc. Listeners run synchronously and must not throw.
 */
@Injectable()
export class SignInOutcomes {
  private readonly listeners: ((outcome: SignInOutcome) => void)[] = [];

  subscribe(listener: (outcome: SignInOutcome) => void): void {
    this.listeners.push(listener);
  }

  record(outcome: SignInOutcome): void {
    for (const listener of this.listeners) listener(outcome);
  }
}
