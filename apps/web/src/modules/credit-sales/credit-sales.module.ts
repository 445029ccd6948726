import { IconAdjustments, IconInbox, IconScale, IconUsersGroup, IconWallet } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { CreditSalesPermission } from './permissions';

/** Credit sales: the seller portal (role `seller`) and its administration (role `credit_sales_admin`, owners, managers). */
export const creditSalesModule: ModuleRegistration = {
  key: 'credit_sales',
  pages: [
    {
      path: '/credit-sales/portal', page_key: 'credit_sales_portal', area: 'panel', permission: CreditSalesPermission.portal, component: () => import('./portal.screen'),
      nav: { group: 'main', order: 20, icon: IconWallet, only_for_role: 'seller' },
    },
    {
      path: '/credit-sales/sellers', page_key: 'credit_sales_sellers', area: 'panel', permission: CreditSalesPermission.read, component: () => import('./sellers.screen'),
      nav: { group: 'main', order: 30, icon: IconUsersGroup },
    },
    { path: '/credit-sales/sellers/$seller_id', page_key: 'credit_sales_seller', area: 'panel', permission: CreditSalesPermission.read, component: () => import('./seller.screen') },
    {
      path: '/credit-sales/requests', page_key: 'credit_sales_requests', area: 'panel', permission: CreditSalesPermission.read, component: () => import('./requests.screen'),
      nav: { group: 'main', order: 31, icon: IconInbox },
    },
    {
      path: '/credit-sales/corrections', page_key: 'credit_sales_corrections', area: 'panel', permission: CreditSalesPermission.read, component: () => import('./corrections.screen'),
      nav: { group: 'main', order: 32, icon: IconAdjustments },
    },
    {
      path: '/credit-sales/reconcile', page_key: 'credit_sales_reconcile', area: 'panel', permission: CreditSalesPermission.reconcile, component: () => import('./reconcile.screen'),
      nav: { group: 'main', order: 33, icon: IconScale },
    },
  ],
};

