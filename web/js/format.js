// How values read in the portal: codes as labels and <select> options, and instants in the
// district's time zone, for display and for <input type="datetime-local"> (wall time there).
// The zone and the Open Month themes come from the server once at start-up (loadDistrict).

import { api, fetchDistrict, fetchThemes } from './api.js';
import { t, has, getLang, addMessages } from './i18n.js';

const FALLBACK_ZONE = 'Asia/Shanghai';
let zone = FALLBACK_ZONE;
let themes = [];

// Asks the server for the district's time zone and the themes with their names, once at
// start-up.
export async function loadDistrict() {
  const [district, themeLabels] = await Promise.allSettled([fetchDistrict(), fetchThemes()]);
  try {
    const timezone = String(district.value?.timezone);
    zone = new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    // No answer, or a zone this browser does not know (RangeError): keep the fallback.
  }
  if (themeLabels.status === 'fulfilled') {
    themes = themeLabels.value.map((th) => th.theme);
    const names = (lang) => Object.fromEntries(themeLabels.value.map((th) => [`theme.${th.theme}`, th[lang]]));
    addMessages({ 'zh-CN': names('zh'), en: names('en') });
  }
}

// The Open Month themes in the calendar's order.
export function themeCodes() {
  return themes;
}

// ---- codes

// t(`${prefix}.${value}`) for a known value; the value itself otherwise (a newer server).
export function label(prefix, value) {
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

// Codes as <select> options labelled from `${prefix}.…`, after one for "none chosen" labelled
// `empty` (left out when empty is null).
export function codeOptions(prefix, values, empty = null) {
  return withEmpty(empty, values.map((v) => ({ value: v, label: label(prefix, v) })));
}

// The departments as <select> options, after one for "none chosen" labelled `empty`.
export async function departmentOptions(empty, signal) {
  const page = await api('GET', '/departments?limit=100', undefined, { signal });
  return withEmpty(empty, page.items.map((d) => ({ value: d.id, label: d.name })));
}

function withEmpty(empty, options) {
  return empty == null ? options : [{ value: '', label: empty }, ...options];
}

// ---- display

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

// An instant (RFC 3339) as seen in the district, whatever the browser's own time zone, or a
// date (YYYY-MM-DD) as it is. time: also show the time of day ("2021年7月30日 09:30").
export function formatDate(value, { time = false } = {}) {
  const dateOnly = DATE_ONLY.test(value || '');
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (!value || Number.isNaN(date.getTime())) return value || '';
  return new Intl.DateTimeFormat(getLang(), {
    timeZone: dateOnly ? 'UTC' : zone, dateStyle: 'long', timeStyle: time ? 'short' : undefined,
  }).format(date);
}

// From start to end (instants) in the district, with the weekday: "2021年10月20日星期三 09:00–11:00";
// the date is repeated only when the end is on another day.
export function formatRange(start, end) {
  const [from, to] = [new Date(start), new Date(end)];
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to < from) {
    return formatDate(start, { time: true });
  }
  return new Intl.DateTimeFormat(getLang(), {
    timeZone: zone, dateStyle: 'full', timeStyle: 'short',
  }).formatRange(from, to);
}

// {opens, closes}: a window's two instants as text, for t('…', dates).
export function windowDates(opens, closes) {
  return { opens: formatDate(opens, { time: true }), closes: formatDate(closes, { time: true }) };
}

// The zone's name for "all times are …" ("中国标准时间", "Eastern Time").
export function zoneName() {
  try {
    return new Intl.DateTimeFormat(getLang(), { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date()).find((p) => p.type === 'timeZoneName').value;
  } catch {
    return zone; // a browser without 'longGeneric'
  }
}

// The calendar year now in the district.
export function districtYear(now = new Date()) {
  return Number(new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' }).format(now));
}

// ---- wall time in the district <-> UTC

const DAY = 86400e3;
const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const partsFormats = new Map(); // time zone -> Intl.DateTimeFormat

// The zone's offset from UTC (ms) at the instant `ms`, e.g. 8 h for Asia/Shanghai.
function offsetAt(ms, timeZone) {
  if (!partsFormats.has(timeZone)) {
    partsFormats.set(timeZone, new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    }));
  }
  const p = Object.fromEntries(partsFormats.get(timeZone).formatToParts(new Date(ms))
    .map(({ type, value }) => [type, Number(value)]));
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

function isoUtc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Wall time in the zone ('2021-07-30T09:30', as a datetime-local input holds it) as RFC 3339
// UTC; undefined when empty, the text itself when it is no wall time (the server names it).
// Two passes from the offset a day before: where the clocks go back the hour repeated is read
// as its first instance; where they go forward a skipped time moves on by the gap, as
// browsers do.
export function wallTimeToUtc(local, timeZone = zone) {
  if (!local) return undefined;
  const m = WALL.exec(local);
  if (!m) return local;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x || 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = offsetAt(wall - DAY, timeZone); // the offset before any change that day
  const first = wall - guess;
  const offset = offsetAt(first, timeZone);
  if (offset === guess) return isoUtc(first);
  const retry = wall - offset;
  // Still off: the wall time was skipped, and `first` is it moved on by the gap.
  return isoUtc(offsetAt(retry, timeZone) === offset ? retry : first);
}

// An instant (RFC 3339) as wall time in the zone, for a datetime-local input; '' if none.
export function utcToWallTime(iso, timeZone = zone) {
  const ms = new Date(iso).getTime();
  if (!iso || Number.isNaN(ms)) return '';
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 16);
}

// Midnight in the zone starting the day `days` after `date` (YYYY-MM-DD), as RFC 3339 UTC.
export function midnightUtc(date, days = 0) {
  const day = new Date(`${date}T00:00:00Z`);
  if (!date || Number.isNaN(day.getTime())) return undefined;
  return wallTimeToUtc(new Date(day.getTime() + days * DAY).toISOString().slice(0, 16));
}

// ---- days and weeks in the district

// The day (YYYY-MM-DD) in the district at an instant (RFC 3339 or a Date; now by default).
export function districtDay(instant = new Date()) {
  return utcToWallTime(instant instanceof Date ? instant.toISOString() : instant).slice(0, 10);
}

// The day (YYYY-MM-DD) `days` after `day`.
export function addDays(day, days) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

// The Monday (YYYY-MM-DD) of the week `day` (YYYY-MM-DD) is in: weeks start on Monday.
export function weekStart(day) {
  return addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
}

// The week starting on `monday` (YYYY-MM-DD), Monday to Sunday: "12月7日–12月13日", "7–13 Dec",
// "30 Nov – 6 Dec"; with the years when it spans two ("2026年12月28日–2027年1月3日").
export function formatWeek(monday) {
  const [from, to] = [monday, addDays(monday, 6)].map((d) => new Date(`${d}T00:00:00Z`));
  const years = from.getUTCFullYear() !== to.getUTCFullYear();
  const format = (date, options) => new Intl.DateTimeFormat(getLang(), { timeZone: 'UTC', ...options }).format(date);
  if (getLang() === 'zh-CN') {
    const day = (date) => format(date, { year: years ? 'numeric' : undefined, month: 'long', day: 'numeric' });
    return `${day(from)}–${day(to)}`;
  }
  const month = (date) => format(date, { month: 'short' });
  const year = (date) => (years ? ` ${date.getUTCFullYear()}` : '');
  if (!years && from.getUTCMonth() === to.getUTCMonth()) return `${from.getUTCDate()}–${to.getUTCDate()} ${month(to)}`;
  return `${from.getUTCDate()} ${month(from)}${year(from)} – ${to.getUTCDate()} ${month(to)}${year(to)}`;
}

// An instant as a short day and time in the district: "12月1日 10:32", "Dec 1, 10:32"; the year
// only when it is not this year.
export function formatDayTime(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return value || '';
  return new Intl.DateTimeFormat(getLang(), {
    timeZone: zone,
    year: districtYear(date) === districtYear() ? undefined : 'numeric',
    month: getLang() === 'zh-CN' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

// ---- numbers

function numberFormat(options) {
  return new Intl.NumberFormat(getLang(), options);
}

// A count or a figure, grouped as the language writes it ("1,234"); at most `digits` decimals,
// at least `minDigits` ("4.00" for a mean of exactly 4).
export function formatNumber(value, digits = 0, minDigits = 0) {
  return numberFormat({ minimumFractionDigits: minDigits, maximumFractionDigits: digits }).format(value);
}

// A percentage given as 0–100 (as the API gives it), to one decimal: "66.7%".
export function formatPercent(value) {
  return numberFormat({ style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

// A score that may be negative, with its sign: "+40", "−12.5", "0".
export function formatSigned(value) {
  return numberFormat({ signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(value);
}
