import { Controller, Get, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { CreateFeatureDto } from './dto/create-feature.dto.js';
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
}
