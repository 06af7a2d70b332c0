import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from '../api-key.js';
import { API_KEY_KINDS } from '../api-key.js';

export class ApiKeyResponse {
  @ApiProperty({ example: 'key_4fT9cV2mQx8LbN1rZs0a' }) id!: string;
  @ApiProperty({ enum: API_KEY_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ example: 'tpk_4fT9cV', description: 'The first characters of the key, to recognise it' }) prefix!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: [String] }) origins!: string[];
  @ApiProperty({ type: [String] }) ipRanges!: string[];
  @ApiProperty({ type: Number, nullable: true }) rateLimitPerMinute!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ example: 'client:0b6f…', description: 'Who created it' }) createdBy!: string;

  static from(key: ApiKey): ApiKeyResponse {
    return {
      id: key.id,
      kind: key.kind,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      origins: key.origins,
      ipRanges: key.ipRanges,
      rateLimitPerMinute: key.rateLimitPerMinute,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
      createdBy: key.createdBy,
    };
  }
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The key itself: shown this once, never stored' }) key!: string;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) items!: ApiKeyResponse[];
}
