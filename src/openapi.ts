import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SECURITY_SCHEME, OAUTH2_SECURITY_SCHEMES } from './auth/auth.decorators.js';
import { API_SCOPES, SCOPES } from './auth/scopes.js';
import type { ServerConfig } from './config/app-config.js';

const API_SCOPE_DESCRIPTIONS = Object.fromEntries(API_SCOPES.map((scope) => [scope, SCOPES[scope].description]));

/** Swagger UI at /docs (assets served from node_modules, no CDN), the document at /docs-json. */
export function setupOpenApi(app: INestApplication, server: ServerConfig): void {
  const [clientCredentials, authorizationCode] = OAUTH2_SECURITY_SCHEMES as [string, string];
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tenantry API')
      .setDescription(
        'Tenants and per-tenant feature flags. Authorize with a client-credentials client ' +
          '(`npm run cli -- clients:create ...`) and tick the scopes you need. Errors are RFC 9457 problem details.',
      )
      .setVersion('1')
      .addServer(server.publicUrl)
      .addOAuth2(
        { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${server.issuer}/token`, scopes: API_SCOPE_DESCRIPTIONS } } },
        clientCredentials,
      )
      .addOAuth2(
        {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${server.issuer}/auth`,
              tokenUrl: `${server.issuer}/token`,
              scopes: { openid: SCOPES.openid.description, ...API_SCOPE_DESCRIPTIONS },
            },
          },
        },
        authorizationCode,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description:
            'A tenant API key (`tsk_…` secret, `tpk_…` publishable: flag evaluation from its origins only); also accepted as Bearer',
        },
        API_KEY_SECURITY_SCHEME,
      )
      .build(),
    // The controller method name is the operationId (listTenantFeatures, setTenantFeature).
    { operationIdFactory: (_controllerKey, methodKey) => methodKey },
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Tenantry API',
    swaggerOptions: {
      persistAuthorization: true,
      // Swagger UI would derive it from the page path, which gives
      // /oauth2-redirect.html when the page is /docs; clients register this one.
      oauth2RedirectUrl: `${server.publicUrl}/docs/oauth2-redirect.html`,
      initOAuth: { usePkceWithAuthorizationCodeGrant: true },
    },
  });
}
