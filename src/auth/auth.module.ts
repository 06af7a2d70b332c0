import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { CredentialLiveness } from './credential-liveness.js';
import { DpopProofsMaintenance } from './dpop-proofs.maintenance.js';
import { DpopReplayRepository } from './dpop-replay.repository.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/**
 * The API's contract: every route behind AccessTokenGuard. `issuer` is the
 * module that provides the ports of issuer.port.ts (VerificationKeys,
 * TokenLiveness, ClientRegistry); auth never imports it itself. Global, so
 * that modules whose answers outlive their request (streams) get
 * CredentialLiveness without importing auth's composition.
 */
@Module({})
export class AuthModule {
  static forRoot(issuer: Type): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule, issuer],
      providers: [
        AccessTokenStrategy,
        VerifiedTokenCache,
        DpopReplayRepository,
        DpopProofsMaintenance,
        CredentialLiveness,
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [CredentialLiveness, DpopReplayRepository],
    };
  }

  /** Without HTTP (the CLI): no guard, no background purge; what the modules' services and commands need. */
  static withoutHttp(issuer: Type): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [issuer],
      providers: [DpopReplayRepository, CredentialLiveness],
      exports: [CredentialLiveness, DpopReplayRepository],
    };
  }
}
