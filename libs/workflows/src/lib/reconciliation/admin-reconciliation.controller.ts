import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { AdminTokenGuard } from '@aia/events';
import { ReconciliationUseCase } from './reconciliation.use-case';
import type { ReconciliationReport } from './reconciliation.types';

export class ReconciliationRangeDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date as YYYY-MM-DD' })
  from!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date as YYYY-MM-DD' })
  to!: string;
}

/** The reconciliation report for operators: read it (GET), or heal the safe mismatches (POST …/heal). */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin/reconciliation')
export class AdminReconciliationController {
  constructor(private readonly reconciliation: ReconciliationUseCase) {}

  @Get()
  @ApiOperation({
    summary: 'Compare Zoho invoices and payments, Braintree sales and Attio statuses (dry run)',
  })
  report(@Query() range: ReconciliationRangeDto): Promise<ReconciliationReport> {
    return this.reconciliation.execute({ from: range.from, to: range.to });
  }

  @Post('heal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The same report, healing what is safe to heal (missing Zoho payments, stale Attio)',
  })
  heal(@Body() range: ReconciliationRangeDto): Promise<ReconciliationReport> {
    return this.reconciliation.execute({ from: range.from, to: range.to, heal: true });
  }
}
