import { describeMoneyPath } from '../testing/money-path.suite';

jest.setTimeout(60_000);

describeMoneyPath('sqlite');
