import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useT, type MessageKey } from '../../i18n';
import { entryStore, type JoinPanel } from './entry';

const ITEMS: { panel: JoinPanel; label: MessageKey; icon: string; testId: string }[] = [
  { panel: 'scan', label: 'join.menu.scan', icon: '⌗', testId: 'join-menu-scan' },
  { panel: 'paste', label: 'join.menu.paste', icon: '⎘', testId: 'join-menu-paste' },
  { panel: 'directory', label: 'join.menu.find', icon: '⌕', testId: 'join-menu-find' },
];

/**
 * "Join a group" in the groups header: a menu button (WAI-ARIA menu pattern — Enter/Space/Down
 * open it on the first item, Up on the last; arrows, Home and End move; Esc closes and gives the
 * focus back; Tab leaves).
 */
export function JoinMenu() {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (open) itemRefs.current[focus]?.focus();
  }, [open, focus]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const show = (index: number) => {
    setFocus(index);
    setOpen(true);
  };
  const hide = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };
  const choose = (panel: JoinPanel) => {
    // Focus the menu button first: the panel's modal dialog returns focus there when it closes
    // (the menu item that opened it is gone by then).
    hide(true);
    entryStore.getState().open(panel);
  };

  const onButtonKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      show(0);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      show(ITEMS.length - 1);
    }
  };
  const onMenuKeyDown = (e: KeyboardEvent) => {
    const n = ITEMS.length;
    const moves: Record<string, number> = { ArrowDown: (focus + 1) % n, ArrowUp: (focus - 1 + n) % n, Home: 0, End: n - 1 };
    if (e.key in moves) {
      e.preventDefault();
      setFocus(moves[e.key]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      hide(true);
    } else if (e.key === 'Tab') {
      hide(false);
    }
  };

  return (
    <div className="join-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="button button-quiet icon-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={t('join.menu.open')}
        aria-label={t('join.menu.open')}
        onClick={() => (open ? hide(false) : show(0))}
        onKeyDown={onButtonKeyDown}
        data-testid="join-menu-open"
      >
        <span aria-hidden="true" className="join-menu-icon">
          ⊕
        </span>
      </button>
      {open ? (
        <ul id={menuId} role="menu" className="join-menu-list" aria-label={t('join.menu.open')} onKeyDown={onMenuKeyDown}>
          {ITEMS.map((item, i) => (
            <li key={item.panel} role="none">
              <button
                ref={(el) => {
                  itemRefs.current[i] = el;
                }}
                type="button"
                role="menuitem"
                tabIndex={i === focus ? 0 : -1}
                className="join-menu-item"
                onClick={() => choose(item.panel)}
                data-testid={item.testId}
              >
                <span aria-hidden="true" className="join-menu-item-icon">
                  {item.icon}
                </span>
                {t(item.label)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
