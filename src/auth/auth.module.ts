import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { OidcModule } from '../oidc/oidc.module.js';
import { AccessAuthorizer } from './access-authorizer.service.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { TokenStatusService } from './token-status.service.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

@Module({
  imports: [PassportModule, OidcModule],
  providers: [AccessTokenStrategy, VerifiedTokenCache, TokenStatusService, AccessAuthorizer, { provide: APP_GUARD, useClass: AccessTokenGuard }],
  exports: [AccessAuthorizer],
})
export class AuthModule {}
