import { Type } from 'class-transformer';
import {
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { BillingDetails, CompleteCheckoutRequest } from '@aia/contracts';

export class BillingDetailsDto implements BillingDetails {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string;

  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;
}

export class CompleteCheckoutDto implements CompleteCheckoutRequest {
  /** Braintree nonces are short opaque strings; anything else is refused before any upstream call. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,256}$/, { message: 'nonce must be a payment method nonce' })
  nonce!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  deviceData?: string;

  @ValidateNested()
  @Type(() => BillingDetailsDto)
  billing!: BillingDetailsDto;
}

export class CreateCheckoutSessionDto {
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'record_id must be an Attio record id' })
  record_id!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'plan_code must be a Zoho plan code' })
  plan_code?: string;

  @IsOptional()
  @Matches(/^(subscribe|update_card)$/, { message: 'mode must be subscribe or update_card' })
  mode?: 'subscribe' | 'update_card';
}
