import { Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { CreateFeatureDto, UpdateFeatureDto } from './dto/create-feature.dto.js';
import { FeatureListResponse, FeatureResponse } from './dto/feature.response.js';
import { FeaturesService } from './features.service.js';
import { ValidBody } from '../infra/http/validation.js';

@ApiTags('features')
@Controller('api/v1/features')
export class FeaturesController {
  constructor(private readonly features: FeaturesService) {}

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
