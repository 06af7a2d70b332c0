import { Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { CreateFeatureDto, UpdateFeatureDto } from './dto/create-feature.dto.js';
import { FeatureListResponse, FeatureResponse } from './dto/feature.response.js';
import { FeaturesService } from './features.service.js';
import { FeatureOverridesService } from './feature-overrides.service.js';

export class FeatureOverrideResponse {
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) updatedAt!: string | null;
}

export class FeatureOverrideListResponse {
  @ApiProperty() key!: string;
  @ApiProperty({ type: [FeatureOverrideResponse] }) items!: FeatureOverrideResponse[];
}
import { ValidBody } from '../infra/http/validation.js';

@ApiTags('features')
@Controller('api/v1/features')
export class FeaturesController {
  constructor(
    private readonly features: FeaturesService,
    private readonly overrides: FeatureOverridesService,
  ) {}

  @Post()
  @RequireScopes('features:write', { platformOnly: true })
  @ApiCreatedResponse({ type: FeatureResponse })
  @ApiConflictResponse({ description: 'The key is taken' })
  async createFeature(@ValidBody() body: CreateFeatureDto): Promise<FeatureResponse> {
    return FeatureResponse.from(await this.features.createFeature(body));
  }

  @Get()
  @RequireScopes('features:read', { platformOnly: true })
  @ApiOkResponse({ type: FeatureListResponse })
  async listFeatures(): Promise<FeatureListResponse> {
    return { items: (await this.features.listFeatures()).map(FeatureResponse.from) };
  }

  @Get(':key/overrides')
  @RequireScopes('features:read', { platformOnly: true })
  @ApiOperation({ summary: 'The active tenants that set this flag for themselves (instead of the catalogue default)' })
  @ApiOkResponse({ type: FeatureOverrideListResponse })
  @ApiNotFoundResponse({ description: 'No such feature' })
  async listFeatureOverrides(@Param('key') key: string): Promise<FeatureOverrideListResponse> {
    const items = await this.overrides.overridesOf(key);
    return { key, items: items.map((item) => ({ ...item, updatedAt: item.updatedAt?.toISOString() ?? null })) };
  }

  @Get(':key')
  @RequireScopes('features:read', { platformOnly: true })
  @ApiOkResponse({ type: FeatureResponse })
  @ApiNotFoundResponse({ description: 'No such feature' })
  async getFeature(@Param('key') key: string): Promise<FeatureResponse> {
    return FeatureResponse.from(await this.features.getFeature(key));
  }

  @Patch(':key')
  @RequireScopes('features:write', { platformOnly: true })
  @ApiOperation({ summary: 'Change a catalogue flag: description, default, variants (added or revalued, never removed), metadata' })
  @ApiOkResponse({ type: FeatureResponse })
  @ApiNotFoundResponse({ description: 'No such feature' })
  async updateFeature(@Param('key') key: string, @ValidBody() body: UpdateFeatureDto): Promise<FeatureResponse> {
    return FeatureResponse.from(await this.features.updateFeature(key, body));
  }
}
