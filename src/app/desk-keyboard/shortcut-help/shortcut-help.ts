import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule } from '@angular/material/dialog';
import { DESK_SHORTCUT_KEYS } from '../desk-shortcuts';

/** The help overlay `?` opens: every desk shortcut, from the same list the handler reads. */
@Component({
  selector: 'app-shortcut-help',
  imports: [MatButtonModule, MatDialogModule],
  templateUrl: './shortcut-help.html',
  styleUrl: './shortcut-help.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShortcutHelp {
  protected readonly shortcuts = DESK_SHORTCUT_KEYS;
}
