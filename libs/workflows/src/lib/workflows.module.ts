import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CustomerRecordsService } from './customer-record/customer-records.service';
import { SandboxProvisioner } from './sandbox-provisioner.service';
import { AttioProvisioningUseCase } from './use-cases/attio-provisioning.use-case';
import { CardUpdateUseCase } from './use-cases/card-update.use-case';
import { DescribeCheckoutSessionUseCase } from './use-cases/describe-checkout-session.use-case';
import { SendCheckoutLinkUseCase } from './use-cases/send-checkout-link.use-case';
import { SubscriptionInitiationUseCase } from './use-cases/subscription-initiation.use-case';
import { WORKFLOWS_OPTIONS } from './workflows.options';
import { AttioRecordEventsHandler } from './attio-record-events.handler';
import { CancelSubscriptionUseCase } from './subscription-changes/cancel-subscription.use-case';
import { CustomerDetailsSyncUseCase } from './subscription-changes/customer-details-sync.use-case';
import { PlanChangeUseCase } from './subscription-changes/plan-change.use-case';
import { ReactivateSubscriptionUseCase } from './subscription-changes/reactivate-subscription.use-case';
import { CardUpdatedRunner } from './payments/card-updated.runner';
import { InvoiceCreatedHandler } from './payments/invoice-created.handler';
import { InvoicePaymentRunner } from './payments/invoice-payment.runner';
import { InvoicePaymentUseCase } from './payments/invoice-payment.use-case';
import { PaymentRecoveryUseCase } from './payments/payment-recovery.use-case';
import { BraintreeDisputeHandler } from './sync/braintree-dispute.handler';
import { ChargeReversalUseCase } from './sync/charge-reversal.use-case';
import { SettlementPollRunner } from './sync/settlement-poll.runner';
import { ZohoPaymentEventsHandler } from './sync/zoho-payment-events.handler';
import { ZohoSubscriptionEventsHandler } from './sync/zoho-subscription-events.handler';
import { AdminReconciliationController } from './reconciliation/admin-reconciliation.controller';
import { ReconciliationUseCase } from './reconciliation/reconciliation.use-case';
import { AdminPaymentsController } from './ops/admin-payments.controller';
import { RecentPaymentsUseCase } from './ops/recent-payments.use-case';
import type { WorkflowsModuleOptions } from './workflows.options';

const USE_CASES = [
  AttioProvisioningUseCase,
  SendCheckoutLinkUseCase,
  DescribeCheckoutSessionUseCase,
  SubscriptionInitiationUseCase,
  CardUpdateUseCase,
  InvoicePaymentUseCase,
  PaymentRecoveryUseCase,
  ChargeReversalUseCase,
  ReconciliationUseCase,
  RecentPaymentsUseCase,
  PlanChangeUseCase,
  CancelSubscriptionUseCase,
  ReactivateSubscriptionUseCase,
  CustomerDetailsSyncUseCase,
];

/** Discovered by the event pipeline (@OnEvent / @OnJob). */
const HANDLERS = [
  AttioRecordEventsHandler,
  InvoiceCreatedHandler,
  InvoicePaymentRunner,
  CardUpdatedRunner,
  ZohoPaymentEventsHandler,
  ZohoSubscriptionEventsHandler,
  BraintreeDisputeHandler,
  SettlementPollRunner,
];

/**
 * The business workflows: use cases (one per file) that controllers and event handlers call, and the
 * @OnEvent handlers the event pipeline discovers. Needs the three integration modules, EventsModule and
 * a CHECKOUT_LINKS provider (CheckoutModule), all global.
 */
@Module({})
export class WorkflowsModule {
  static forRoot(options: WorkflowsModuleOptions = {}): DynamicModule {
    return {
      module: WorkflowsModule,
      global: true,
      // Every HTTP route of the workflows (admin API): served by APP_ROLE web and all, never by a worker.
      controllers: options.http === false ? [] : [AdminReconciliationController, AdminPaymentsController],
      providers: [
        { provide: WORKFLOWS_OPTIONS, useValue: options },
        CustomerRecordsService,
        ...HANDLERS,
        SandboxProvisioner,
        ...USE_CASES,
      ],
      exports: [CustomerRecordsService, ...USE_CASES],
    };
  }
}
