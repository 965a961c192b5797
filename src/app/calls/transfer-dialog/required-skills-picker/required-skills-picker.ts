import { ChangeDetectionStrategy, Component, computed, input, model, signal } from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { RequiredSkills } from '@switchboard/telephony';
import type { DirectorySkill } from '../directory-api';

/**
 * The optional "Required skills" of a transfer to a group: skill names suggested from the
 * tenant's (with the highest level anyone holds), each with the least level its agent must
 * hold. What is typed goes to the server as typed: the server is the one judge of a name or a
 * level (an unknown skill, a level out of range), and the dialog shows its refusal.
 */
@Component({
  selector: 'app-required-skills-picker',
  imports: [MatAutocompleteModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  templateUrl: './required-skills-picker.html',
  styleUrl: './required-skills-picker.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RequiredSkillsPicker {
  /** The tenant's skills, to suggest. */
  readonly available = input.required<readonly DirectorySkill[]>();
  /** The group the requirement is for, to say who is rung. */
  readonly groupName = input.required<string>();
  readonly disabled = input(false);
  /** Skill name → least level, in the order they were added. */
  readonly required = model<RequiredSkills>({});

  protected readonly name = signal('');
  protected readonly level = signal('1');
  protected readonly entries = computed(() => Object.entries(this.required()));
  protected readonly suggestions = computed(() => {
    const typed = this.name().trim().toLowerCase();
    const chosen = this.required();
    return this.available().filter(
      (skill) => !(skill.name in chosen) && skill.name.toLowerCase().includes(typed),
    );
  });
  protected readonly canAdd = computed(
    () => this.name().trim() !== '' && this.level().trim() !== '' && !this.disabled(),
  );

  protected addSkill(): void {
    if (!this.canAdd()) return;
    const name = this.name().trim();
    this.required.update((required) => ({ ...required, [name]: Number(this.level()) }));
    this.name.set('');
    this.level.set('1');
  }

  protected removeSkill(name: string): void {
    this.required.update((required) => {
      const rest = { ...required };
      delete rest[name];
      return rest;
    });
  }
}
