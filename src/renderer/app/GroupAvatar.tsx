import type { GroupSummary } from '@shared/contract';
import { AVATAR_COLORS } from '@shared/rules/limits';
import { initials } from '../components/Avatar';
import { useT } from '../i18n';

/** A group's avatar: its first character on the colour the group chose (a class per palette entry: CSP allows no inline styles). */
export function GroupAvatar({ name, color, size = 'medium' }: { name: string; color: GroupSummary['avatarColor']; size?: 'small' | 'medium' | 'large' }) {
  return (
    <span className={`avatar avatar-${size} gavatar-${color}`} aria-hidden="true" data-color={color}>
      {initials(name).slice(0, 1)}
    </span>
  );
}

type AvatarColor = GroupSummary['avatarColor'];

/** The avatar colour palette as radio buttons (arrow keys move between them, as radios do). */
export function ColorChoice({ value, onChange, name }: { value: AvatarColor; onChange(c: AvatarColor): void; name: string }) {
  const { t } = useT();
  return (
    <div className="color-choice" role="radiogroup">
      <GroupAvatar name={name || '?'} color={value} size="small" />
      {AVATAR_COLORS.map((c) => (
        <label key={c} className={`color-swatch gavatar-${c}${value === c ? ' is-selected' : ''}`} title={t(`groups.color.${c}`)}>
          <input type="radio" name="avatar-color" className="visually-hidden" value={c} checked={value === c} onChange={() => onChange(c)} />
          <span className="visually-hidden">{t(`groups.color.${c}`)}</span>
        </label>
      ))}
    </div>
  );
}

