import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetTenantFeatureDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;
}
