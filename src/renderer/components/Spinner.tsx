/** A small CSS-only spinner; decorative, the surrounding text says what is happening. */
export function Spinner({ size = 'small' }: { size?: 'small' | 'large' }) {
  return <span className={`spinner spinner-${size}`} aria-hidden="true" />;
}
