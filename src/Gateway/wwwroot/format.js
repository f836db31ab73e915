// Numbers, percentages and times as the current language writes them.
import { locale, t } from './i18n.js';

export function fmtNumber(n) { return new Intl.NumberFormat(locale()).format(n); }

export function fmtPercent(part, whole) {
  if (!whole) return t('none');
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((part * 100) / whole) + '%';
}

export function fmtPercentInParens(part, whole) { return '(' + fmtPercent(part, whole) + ')'; }

// Election times are read in West Indonesia Time, whatever the reader's own time zone.
export function fmtTime(iso) {
  if (!iso) return t('none');
  const date = new Date(iso);
  if (isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat(locale(), {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
    timeZone: 'Asia/Jakarta', hour12: false,
  }).format(date);
  return text + ' ' + t('timeZone');
}
