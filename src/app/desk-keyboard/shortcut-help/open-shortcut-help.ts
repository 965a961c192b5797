import type { Injector } from '@angular/core';

/**
 * Opens the list of keyboard shortcuts, loading it (and Material's dialog) on first use: the
 * initial bundle has a budget (bench:console). A second `?` while it is open changes nothing.
 */
export async function openShortcutHelp(injector: Injector): Promise<void> {
  const [{ MatDialog }, { ShortcutHelp }] = await Promise.all([
    import('@angular/material/dialog'),
    import('./shortcut-help'),
  ]);
  const dialog = injector.get(MatDialog);
  if (dialog.openDialogs.some((open) => open.componentInstance instanceof ShortcutHelp)) return;
  dialog.open(ShortcutHelp, {
    width: '440px',
    maxWidth: 'calc(100vw - 24px)',
    autoFocus: 'dialog',
    ariaLabelledBy: 'shortcut-help-title',
  });
}
