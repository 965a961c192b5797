import type { Injector } from '@angular/core';
import type { TransferDialogData } from './transfer-dialog';

/**
 * Opens the transfer dialog, loading it (and Material's dialog) on the first transfer: most of
 * an agent's calls are never transferred, and the initial bundle has a budget (bench:console).
 * Resolves once the dialog is open.
 */
export async function openTransferDialog(
  injector: Injector,
  data: TransferDialogData,
): Promise<void> {
  const [{ MatDialog }, { TransferDialog }] = await Promise.all([
    import('@angular/material/dialog'),
    import('./transfer-dialog'),
  ]);
  injector
    .get(MatDialog)
    .open<InstanceType<typeof TransferDialog>, TransferDialogData>(TransferDialog, {
      data,
      width: '480px',
      maxWidth: 'calc(100vw - 24px)',
      autoFocus: 'first-tabbable',
      ariaLabelledBy: 'transfer-dialog-title',
    });
}
