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
 * TokenLiveness, ClientRegistry); auth never imports it itself.
 * CredentialLiveness is exported to every module (global).
 */
@Module({})
export class AuthModule {
  static forRoot(issuer: Type): DynamicModule {
    return {
      module: AuthModule,
      // Every module's routes stand behind the guard; CredentialLiveness is for those whose answers outlive the request.
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
      exports: [CredentialLiveness],
    };
  }
}
