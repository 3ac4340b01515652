import type { ReactNode } from 'react';
import styles from './SidePanel.module.css';

interface SidePanelProps {
  /** The heading. */
  title: string;
  /** The landmark's name for assistive technology. */
  label: string;
  closeLabel: string;
  onClose: () => void;
  id?: string;
  className?: string;
  children: ReactNode;
}

/** A panel beside the open channel (members, search results): a heading, a close button, its content. */
export function SidePanel({ title, label, closeLabel, onClose, id, className, children }: SidePanelProps) {
  return (
    <aside id={id} className={`${styles.panel} ${className ?? ''}`} aria-label={label}>
      <div className={styles.header}>
        <h2 className={styles.title}>{title}</h2>
        <button type="button" className={styles.close} aria-label={closeLabel} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {children}
    </aside>
  );
}
