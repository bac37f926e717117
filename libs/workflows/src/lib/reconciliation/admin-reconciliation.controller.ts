import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AdminTokenGuard, DomainError, ErrorCode } from '@aia/platform';
import { ReconciliationUseCase } from './reconciliation.use-case';
import type { ReconciliationReport } from './reconciliation.types';

export class ReconciliationRangeDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date as YYYY-MM-DD' })
  from!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date as YYYY-MM-DD' })
  to!: string;
}

export class HealRangeDto extends ReconciliationRangeDto {
  @ApiPropertyOptional({ description: 'Heal only this invoice’s mismatch (charged_not_recorded)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  invoiceId?: string;

  @ApiPropertyOptional({ description: 'Heal only this customer’s attio_stale mismatch' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  zohoCustomerId?: string;
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
    summary:
      'The same report, healing what is safe to heal (missing Zoho payments, stale Attio); with invoiceId or zohoCustomerId only that mismatch (409 when it is not found or not healable)',
  })
  heal(@Body() body: HealRangeDto): Promise<ReconciliationReport> {
    if (body.invoiceId !== undefined && body.zohoCustomerId !== undefined) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Give invoiceId or zohoCustomerId, not both', [
        { field: 'zohoCustomerId', problems: ['must not be given together with invoiceId'] },
      ]);
    }
    const only =
      body.invoiceId !== undefined
        ? { invoiceId: body.invoiceId }
        : body.zohoCustomerId !== undefined
          ? { zohoCustomerId: body.zohoCustomerId }
          : undefined;
    return this.reconciliation.execute({ from: body.from, to: body.to, heal: true, only });
  }
}
