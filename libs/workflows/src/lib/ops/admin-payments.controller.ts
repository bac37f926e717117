import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { OpsPaymentsReport } from '@aia/contracts';
import { AdminTokenGuard } from '@aia/platform';
import { DEFAULT_PAYMENT_DAYS, MAX_PAYMENT_DAYS, RecentPaymentsUseCase } from './recent-payments.use-case';

export class PaymentsRangeDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (UTC), inclusive' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date as YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-14', description: 'Last day (UTC), inclusive; default today' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date as YYYY-MM-DD' })
  to?: string;
}

/** The ops page's payments view: recent Braintree sales, successful and failed, and per-day totals. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminPaymentsController {
  constructor(private readonly recentPayments: RecentPaymentsUseCase) {}

  @Get('payments')
  @ApiOperation({
    summary: `Braintree sales created in a day range (default the last ${DEFAULT_PAYMENT_DAYS} days, at most ${MAX_PAYMENT_DAYS}): successful and failed ones, newest first, and per-day counts`,
  })
  report(@Query() range: PaymentsRangeDto): Promise<OpsPaymentsReport> {
    return this.recentPayments.execute({ from: range.from, to: range.to });
  }
}
