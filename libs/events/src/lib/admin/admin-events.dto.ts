import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Platform } from '@aia/platform';
import { EVENT_STATES } from '../inbox/stored-event';
import type { EventState } from '../inbox/stored-event';

export const PLATFORMS: readonly Platform[] = ['attio', 'zoho', 'braintree'];

export class ListEventsQueryDto {
  @ApiPropertyOptional({ enum: EVENT_STATES })
  @IsOptional()
  @IsIn(EVENT_STATES as EventState[])
  state?: EventState;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS as Platform[])
  platform?: Platform;

  @ApiPropertyOptional({ example: 'invoice_created' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({
    description: 'Search: our id, the platform event id, the type or the key contains it (any case; trimmed)',
    maxLength: 200,
    example: 'inv-1',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class EventHistogramQueryDto {
  @ApiPropertyOptional({
    default: 24,
    minimum: 1,
    maximum: 168,
    description: 'Hours back, the current one included',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  hours?: number;
}

export class DiscardEventDto {
  @ApiProperty({ example: 'invoice voided in Zoho by finance' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}
