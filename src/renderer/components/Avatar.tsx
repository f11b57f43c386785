/** Initials on a colour derived from the name (stable per name, no inline styles: CSP). */
export function Avatar({ name, size = 'medium' }: { name: string; size?: 'small' | 'medium' | 'large' }) {
  return (
    <span className={`avatar avatar-${size} avatar-c${colourIndex(name)}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  const first = Array.from(trimmed)[0]!;
  // CJK names: the first character reads naturally; Latin: up to two initials.
  if (/[\u3400-\u9fff]/.test(first)) return first;
  const words = trimmed.split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => Array.from(w)[0]!.toUpperCase())
    .join('');
}

export function colourIndex(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h % 8;
}
