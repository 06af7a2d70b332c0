import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RegisteredClient } from '../client.js';

export class ClientResponse {
  @ApiProperty() clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The tenant slug; null for platform clients' }) tenant!: string | null;
  @ApiProperty({ enum: ['confidential', 'public'] }) type!: 'confidential' | 'public';
  @ApiProperty({ type: [String] }) grantTypes!: string[];
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: [String] }) redirectUris!: string[];
  @ApiProperty({ type: [String] }) postLogoutRedirectUris!: string[];
  @ApiProperty({ type: [String], description: 'Browser origins allowed to call Tenantry for this client (CORS)' }) webOrigins!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(client: RegisteredClient): ClientResponse {
    return {
      clientId: client.clientId,
      name: client.name,
      tenant: client.tenantSlug,
      type: client.confidential ? 'confidential' : 'public',
      grantTypes: client.grantTypes,
      scopes: client.scopes,
      redirectUris: client.redirectUris,
      postLogoutRedirectUris: client.postLogoutRedirectUris,
      webOrigins: client.webOrigins,
      createdAt: client.createdAt.toISOString(),
    };
  }
}

export class ClientWithSecretResponse extends ClientResponse {
  @ApiPropertyOptional({ description: 'Shown once: only its hash is stored' }) clientSecret?: string;
}

export class ClientListResponse {
  @ApiProperty({ type: [ClientResponse] }) items!: ClientResponse[];
}
