import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, MaxLength } from 'class-validator';

export class PutSegmentDto {
  @ApiPropertyOptional({ example: 'People testing new features', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    description: 'A condition as in flag rules ({all}, {any}, {not}, {attribute, op, value}); it cannot name a segment',
    example: {
      any: [
        { attribute: 'email', op: 'ends_with', value: '@acme.test' },
        { attribute: 'beta', op: 'eq', value: true },
      ],
    },
  })
  @Allow()
  when!: unknown;
}
