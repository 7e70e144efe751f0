// @ts-check
// Cross-line groups and the aggregates that look in them (any, count, sum,
// and the witness a message shows), linked into bundles by reference like the
// rest of the runtime (compiler/emit/link.ts).
//
// A group is the lines of one key (say one member). Per-day groups are not
// cut into days: each line is an interval of days, and two lines share a group
// when their intervals meet, so a line spanning ten years costs what any line
// costs. An aggregate's predicate is split by the printer (compiler/emit/
// aggregate.ts) into the part that reads only the other line (`pure`), at
// most one comparison of a value of the other line with a value of this one
// (`by` … `op` … `mine`), and whatever is left (`rest`). For each group and
// aggregate, the lines passing `pure` are indexed once — sorted by interval
// ends or by the compared value — and every question is then a binary search:
// O(n log n) per group whatever the data. Only `rest` (a condition mixing both
// lines in another way) and sum() over per-day groups scan the candidates.
//
// Groups are built once every line is in (buildGroups), from what each line
// noted as it arrived (noteKey: its key's number and which slots it is a
// member of): per slot, one list holds every key's members, key after key, in
// input order, with their days and variant ids in typed arrays beside it, so
// building is a counting sort and a small group's scan reads numbers in a row.

/**
 * @typedef {import('./engine.js').Item} Item
 * @typedef {{ id: number, pure: ((o: Item) => boolean) | null, takes: Uint8Array | null, by: ((o: Item) => unknown) | null, op: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | null }} Aggregate
 *   What the printer hoists for one aggregate: its id within the edition and its predicate, split. When what
 *   every line of a variant holds decides `pure` (a condition on the other line's entry, delivery or code),
 *   the printer answered it for each variant: `takes` holds 1 or 0 per variant id (see passes).
 * @typedef {Object} GroupKey What the printer hoists for the slots of an edition whose groups share one key.
 * @property {number[]} slots ascending
 * @property {(r: import('./record.js').LineRecord) => string} keyOf the key as text
 * @property {boolean[]} perDay per slot of `slots`
 * @property {number} total how many slots the edition has
 * @typedef {Object} KeyNotes What a run notes per GroupKey as lines arrive: each key's number, and per kept line
 *   (in the order lines were kept) its key's number, or -1 when the line takes no part in these groups.
 * @property {Map<string, number>} keys
 * @property {number[]} ids
 * @property {number[]} marks per kept line, the slots of K it is a member of (bit j for K.slots[j])
 * @typedef {Object} Group The members of one key in one slot: a stretch [start, end) of the slot's lists,
 *   which hold every key's members one key after another, each key's in input order.
 * @property {Item[]} all the slot's members
 * @property {Float64Array} days per member of the slot, its first and last group day (per-day slots; what
 *   smallScan reads without touching the member)
 * @property {Int32Array} variants per member of the slot, its variant's id (for Aggregate.takes)
 * @property {number} start
 * @property {number} end
 * @property {boolean} perDay
 * @property {Array<Candidates | undefined> | null} cache per aggregate id: the members passing its `pure` part, indexed (made on first use)
 * @typedef {Object} Candidates
 * @property {Item[]} items the members passing `pure` (and with a comparable `by` value), in input order
 * @property {Float64Array} starts per-day: the first days, sorted
 * @property {Float64Array} ends per-day: the last days, sorted
 * @property {Item[]} sorted with `by`: the items by that value, then input order
 * @property {Float64Array} keys with `by`: the values of `sorted`
 * @property {Int32Array} pos with `by`: the position among `items` of each of `sorted`
 * @property {Int32Array | null} low with `by`: per position p, the two smallest input positions among sorted[0..p]
 * @property {Int32Array | null} high with `by`: the same among sorted[p..]
 * @property {{ points: Float64Array, tree: Int32Array, size: number } | null} stab per-day: the two first lines covering each stretch of days
 */

/**
 * Note a kept line's key as it arrives (while its record is still at hand): keys are numbered in order of
 * first appearance. Slots whose groups share a key are noted together (one `GroupKey`), so a line's key is
 * made and looked up once. Keys are compared as strings (keyOf), so a Map per key — never per day.
 * @param {Item} it
 * @param {KeyNotes[]} notes the run's notes, one per GroupKey of the edition
 * @param {number} m which GroupKey of the edition this is
 * @param {GroupKey} K
 */
export function noteKey(it, notes, m, K) {
  let note = notes[m];
  if (note === undefined) note = notes[m] = { keys: new Map(), ids: [], marks: [] };
  const member = it.x.member;
  const slots = K.slots;
  let mark = 0;
  for (let j = 0; j < slots.length; j++) if (member[slots[j]]) mark |= 1 << j;
  if (mark === 0 && it.x.cross === null) {
    note.ids.push(-1);
    note.marks.push(0);
    return;
  }
  const k = K.keyOf(it.r);
  let id = note.keys.get(k);
  if (id === undefined) note.keys.set(k, (id = note.keys.size));
  note.ids.push(id);
  note.marks.push(mark);
}

/**
 * Build the groups of one GroupKey once every line is in: per slot, the members of all keys in one list,
 * key after key (a counting sort by key number, so each key's members stay in input order), and per key
 * its stretch of it. A line that runs rules gets its key's groups (empty for a slot where no line of its
 * key is a member).
 * @param {Item[]} items the run's kept lines, in input order
 * @param {KeyNotes[]} notes
 * @param {number} m
 * @param {GroupKey} K
 */
export function buildGroups(items, notes, m, K) {
  const note = notes[m];
  if (note === undefined) return;
  const ids = note.ids;
  const marks = note.marks;
  const keys = note.keys.size;
  const slots = K.slots;
  const n = slots.length;
  /** @type {Group[][]} per key, its group in each slot of K */
  const byKey = new Array(keys);
  for (let id = 0; id < keys; id++) byKey[id] = new Array(n);
  for (let j = 0; j < n; j++) {
    const bit = 1 << j;
    // Where each key's stretch starts: counts, then running sums.
    const at = new Int32Array(keys + 1);
    for (let i = 0; i < items.length; i++) if ((marks[i] & bit) !== 0) at[ids[i] + 1]++;
    for (let id = 0; id < keys; id++) at[id + 1] += at[id];
    const total = at[keys];
    /** @type {Item[]} */
    const all = new Array(total);
    const days = new Float64Array(K.perDay[j] ? 2 * total : 0);
    const variants = new Int32Array(total);
    for (let id = 0; id < keys; id++) byKey[id][j] = { all, days, variants, start: at[id], end: at[id + 1], perDay: K.perDay[j], cache: null };
    for (let i = 0; i < items.length; i++) {
      if ((marks[i] & bit) === 0) continue;
      const it = items[i];
      const p = at[ids[i]]++;
      all[p] = it;
      variants[p] = it.x.id;
      if (days.length > 0) {
        days[2 * p] = it.r.serviceDate;
        days[2 * p + 1] = lastGroupDay(it.r);
      }
    }
  }
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (ids[i] < 0 || it.x.cross === null) continue;
    const gs = byKey[ids[i]];
    // When one key serves every slot, a line's groups are its key's list itself.
    if (n === K.total) it.g = gs;
    else {
      if (it.g === null) it.g = new Array(K.total).fill(null);
      for (let j = 0; j < n; j++) /** @type {Group[]} */ (it.g)[slots[j]] = gs[j];
    }
  }
}

/**
 * The last day a line joins per-day groups on.
 * @param {import('./record.js').LineRecord} r
 */
export function lastGroupDay(r) {
  return Math.min(r.serviceDateEnd === null ? r.serviceDate : r.serviceDateEnd, r.serviceDate + MAX_GROUP_DAYS - 1);
}

/**
 * A value usable as a sort key: a finite number (days are numbers), else null (null, NaN and text never
 * compare true in the cases the printer turns into `by`).
 * @param {unknown} v
 * @returns {number | null}
 */
export function sortKey(v) {
  return typeof v === 'number' && v === v ? v : null;
}

/**
 * Does a line pass an aggregate's `pure` part (which is not null)? Its variant's answer when the printer
 * gave one (A.takes), else asked of the line.
 * @param {Aggregate} A
 * @param {Item} o
 */
export function passes(A, o) {
  const takes = A.takes;
  return takes === null ? /** @type {(o: Item) => boolean} */ (A.pure)(o) : takes[o.x.id] === 1;
}

/**
 * The members of a group an aggregate can find, indexed (built on first use, then kept with the group).
 * @param {Group} g
 * @param {Aggregate} A
 * @returns {Candidates}
 */
export function candidatesOf(g, A) {
  if (g.cache === null) g.cache = [];
  const known = g.cache[A.id];
  if (known !== undefined) return known;
  /** @type {Item[]} */
  const items = [];
  const pure = A.pure;
  const by = A.by;
  for (let i = g.start; i < g.end; i++) {
    const o = g.all[i];
    if (pure !== null && !passes(A, o)) continue;
    if (by !== null && sortKey(by(o)) === null) continue;
    items.push(o);
  }
  /** @type {Candidates} */
  const c = { items, starts: new Float64Array(0), ends: new Float64Array(0), sorted: items, keys: new Float64Array(0), pos: new Int32Array(0), low: null, high: null, stab: null };
  if (g.perDay) {
    c.starts = Float64Array.from(items, (o) => o.r.serviceDate).sort();
    c.ends = Float64Array.from(items, (o) => lastGroupDay(o.r)).sort();
  }
  if (by !== null) {
    const at = items.map((o, p) => ({ o, p, k: /** @type {number} */ (sortKey(by(o))) }));
    at.sort((a, b) => a.k - b.k || a.p - b.p);
    c.sorted = at.map((a) => a.o);
    c.keys = Float64Array.from(at, (a) => a.k);
    c.pos = Int32Array.from(at, (a) => a.p);
    c.low = firstTwo(at.map((a) => a.p), false);
    c.high = firstTwo(at.map((a) => a.p), true);
  }
  /** @type {Array<Candidates | undefined>} */ (g.cache)[A.id] = c;
  return c;
}

/**
 * Running "two smallest" of a sequence of distinct positions: entry 2i and 2i+1 hold the two smallest of
 * positions[0..i] (or of positions[i..] when `fromEnd`), -1 where there are fewer.
 * @param {number[]} positions
 * @param {boolean} fromEnd
 */
export function firstTwo(positions, fromEnd) {
  const n = positions.length;
  const out = new Int32Array(2 * n).fill(-1);
  let a = -1;
  let b = -1;
  for (let s = 0; s < n; s++) {
    const i = fromEnd ? n - 1 - s : s;
    const p = positions[i];
    if (a === -1 || p < a) { b = a; a = p; } else if (b === -1 || p < b) b = p;
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

/**
 * The first index i of a sorted array with keys[i] > x (strict) or keys[i] >= x.
 * @param {Float64Array} keys
 * @param {number} x
 * @param {boolean} strict
 */
export function boundOf(keys, x, strict) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? keys[mid] <= x : keys[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The positions in `sorted` of the candidates whose value stands in `op` to `mine`: [from, to).
 * @param {Candidates} c
 * @param {Aggregate['op']} op
 * @param {number} mine
 * @returns {[number, number]}
 */
export function rangeOf(c, op, mine) {
  const n = c.keys.length;
  if (op === 'lt') return [0, boundOf(c.keys, mine, false)];
  if (op === 'le') return [0, boundOf(c.keys, mine, true)];
  if (op === 'gt') return [boundOf(c.keys, mine, true), n];
  if (op === 'ge') return [boundOf(c.keys, mine, false), n];
  return [boundOf(c.keys, mine, false), boundOf(c.keys, mine, true)];
}

/**
 * Does the item's own line pass the aggregate (so that counting it must be undone)?
 * @param {Item} it
 * @param {number} slot
 * @param {Aggregate} A
 * @param {unknown} mine
 */
export function selfPasses(it, slot, A, mine) {
  if (!it.x.member[slot]) return false;
  if (A.pure !== null && !passes(A, it)) return false;
  if (A.by === null) return true;
  const k = sortKey(A.by(it));
  if (k === null) return false;
  const m = /** @type {number} */ (mine);
  return A.op === 'lt' ? k < m : A.op === 'le' ? k <= m : A.op === 'gt' ? k > m : A.op === 'ge' ? k >= m : k === m;
}

/**
 * Do two lines' day intervals meet (always, for groups that are not per day)?
 * @param {Group} g
 * @param {Item} a
 * @param {Item} b
 */
export function meets(g, a, b) {
  return !g.perDay || (a.r.serviceDate <= lastGroupDay(b.r) && b.r.serviceDate <= lastGroupDay(a.r));
}

/**
 * Visit, in input order, the other lines of the item's group that pass the aggregate and `rest`, until
 * visit returns true. The scan behind `rest` and the relation over per-day groups.
 * @param {Item} it
 * @param {Group} g
 * @param {Candidates} c
 * @param {Aggregate} A
 * @param {unknown} mine
 * @param {((o: Item) => boolean) | null} rest
 * @param {(o: Item) => boolean} visit
 */
export function scanGroup(it, g, c, A, mine, rest, visit) {
  let from = 0;
  let to = c.sorted.length;
  /** @type {Item[]} */
  let list = c.items;
  if (A.by !== null) {
    const m = sortKey(mine);
    if (m === null) return;
    [from, to] = rangeOf(c, A.op, m);
    // In input order: the range's items sorted by their position among the candidates.
    list = c.sorted.slice(from, to).sort((a, b) => a.res.index - b.res.index);
    from = 0;
    to = list.length;
  }
  for (let i = from; i < to; i++) {
    const o = list[i];
    if (o === it || !meets(g, it, o)) continue;
    if (rest !== null && !rest(o)) continue;
    if (visit(o)) return;
  }
}

/**
 * How many other lines of the item's group pass the aggregate (and `rest`).
 * @param {Item} it
 * @param {number} slot
 * @param {Aggregate} A
 * @param {unknown} mine the value of this line that `by` is compared with (unused without `by`)
 * @param {((o: Item) => boolean) | null} rest
 */
export function countIn(it, slot, A, mine, rest) {
  const g = /** @type {Group[]} */ (it.g)[slot];
  if (g.end - g.start <= SMALL_GROUP) return smallScan(it, g, A, mine, rest, COUNT);
  const c = candidatesOf(g, A);
  if (rest !== null || (A.by !== null && g.perDay)) {
    let n = 0;
    scanGroup(it, g, c, A, mine, rest, () => { n++; return false; });
    return n;
  }
  let n;
  if (A.by !== null) {
    const m = sortKey(mine);
    if (m === null) return 0;
    const [from, to] = rangeOf(c, A.op, m);
    n = to - from;
  } else if (g.perDay) {
    // Intervals meeting [s, e]: all, less those ending before s, less those starting after e.
    const s = it.r.serviceDate;
    const e = lastGroupDay(it.r);
    n = c.items.length - boundOf(c.ends, s, false) - (c.starts.length - boundOf(c.starts, e, true));
  } else {
    n = c.items.length;
  }
  return selfPasses(it, slot, A, mine) ? n - 1 : n;
}

/** Groups of at most this many members are scanned, not indexed: a bounded cost per question, no allocation. */
export const SMALL_GROUP = 48;
/** smallScan: count the lines that pass. */
export const COUNT = 0;
/** smallScan: the position of the first line that passes, or -1. */
export const FIRST = 1;

/**
 * The other lines of a small group that pass the aggregate (and `rest`), scanned in input order: how many
 * (COUNT), or the position in the slot's list (g.all) of the first (FIRST, -1 when none). What the indexes answer.
 * @param {Item} it
 * @param {Group} g
 * @param {Aggregate} A
 * @param {unknown} mine
 * @param {((o: Item) => boolean) | null} rest
 * @param {number} mode COUNT or FIRST
 * @returns {number}
 */
export function smallScan(it, g, A, mine, rest, mode) {
  const all = g.all;
  const pure = A.pure;
  const by = A.by;
  const op = A.op;
  let m = 0;
  if (by !== null) {
    const k = sortKey(mine);
    if (k === null) return mode === COUNT ? 0 : -1;
    m = k;
  }
  const perDay = g.perDay;
  const days = g.days;
  const variants = g.variants;
  const takes = A.takes;
  const s = it.r.serviceDate;
  const e = perDay ? lastGroupDay(it.r) : 0;
  let n = 0;
  for (let i = g.start; i < g.end; i++) {
    // Days and known answers first: they are read from the slot's own lists, not from the member.
    if (perDay && (days[2 * i] > e || days[2 * i + 1] < s)) continue;
    if (takes !== null && takes[variants[i]] === 0) continue;
    const o = all[i];
    if (o === it) continue;
    if (pure !== null && !passes(A, o)) continue;
    if (by !== null) {
      const k = sortKey(by(o));
      if (k === null || !(op === 'lt' ? k < m : op === 'le' ? k <= m : op === 'gt' ? k > m : op === 'ge' ? k >= m : k === m)) continue;
    }
    if (rest !== null && !rest(o)) continue;
    if (mode === FIRST) return i;
    n++;
  }
  return mode === COUNT ? n : -1;
}

/**
 * Is there another line in the item's group that passes the aggregate (and `rest`)?
 * @param {Item} it
 * @param {number} slot
 * @param {Aggregate} A
 * @param {unknown} mine
 * @param {((o: Item) => boolean) | null} rest
 */
export function anyIn(it, slot, A, mine, rest) {
  const g = /** @type {Group[]} */ (it.g)[slot];
  if (g.end - g.start <= SMALL_GROUP) return smallScan(it, g, A, mine, rest, FIRST) !== -1;
  if (rest !== null || (A.by !== null && g.perDay)) {
    let found = false;
    scanGroup(it, g, candidatesOf(g, A), A, mine, rest, () => { found = true; return true; });
    return found;
  }
  return countIn(it, slot, A, mine, null) > 0;
}

/**
 * The first other line of the item's group (in input order) that passes the aggregate, or null: the witness
 * a message's `other.` fields show.
 * @param {Item} it
 * @param {number} slot
 * @param {Aggregate} A
 * @param {unknown} mine
 * @param {((o: Item) => boolean) | null} rest
 * @returns {Item | null}
 */
export function firstIn(it, slot, A, mine, rest) {
  const g = /** @type {Group[]} */ (it.g)[slot];
  if (g.end - g.start <= SMALL_GROUP) {
    const p = smallScan(it, g, A, mine, rest, FIRST);
    return p === -1 ? null : g.all[p];
  }
  const c = candidatesOf(g, A);
  if (rest !== null || (A.by !== null && g.perDay)) {
    /** @type {Item | null} */
    let first = null;
    scanGroup(it, g, c, A, mine, rest, (o) => { first = o; return true; });
    return first;
  }
  /** @type {number[]} two smallest candidate positions (in input order) that qualify */
  let two;
  if (A.by !== null) {
    const m = sortKey(mine);
    if (m === null) return null;
    const [from, to] = rangeOf(c, A.op, m);
    if (from >= to) return null;
    const t = /** @type {Int32Array} */ (A.op === 'lt' || A.op === 'le' ? c.low : c.high);
    const at = A.op === 'lt' || A.op === 'le' ? to - 1 : from;
    if (A.op === 'eq') {
      // Equal values sit together, in input order.
      two = [c.pos[from], from + 1 < to ? c.pos[from + 1] : -1];
    } else {
      two = [t[2 * at], t[2 * at + 1]];
    }
  } else if (g.perDay) {
    two = stabbingFirstTwo(c, it.r.serviceDate, lastGroupDay(it.r));
  } else {
    two = [c.items.length > 0 ? 0 : -1, c.items.length > 1 ? 1 : -1];
  }
  for (let k = 0; k < 2; k++) {
    const p = two[k];
    if (p >= 0 && c.items[p] !== it) return c.items[p];
  }
  return null;
}

/**
 * The two first candidates (positions in input order) whose intervals meet [s, e]. Built on first use: the
 * days are cut into stretches at every interval's start and end + 1; each stretch keeps the two first
 * intervals covering it (painted in input order, a stretch painted twice is skipped from then on); a tree
 * over the stretches answers "two first over a run of stretches".
 * @param {Candidates} c
 * @param {number} s
 * @param {number} e
 * @returns {number[]}
 */
export function stabbingFirstTwo(c, s, e) {
  if (c.stab === null) c.stab = buildStabbing(c.items);
  const { points, tree, size } = c.stab;
  // Stretch j covers days [points[j], points[j + 1]).
  const a = Math.max(0, boundOf(points, s, true) - 1);
  const b = boundOf(points, e, true) - 1;
  let x = -1;
  let y = -1;
  /** @param {number} p */
  const take = (p) => {
    if (p < 0 || p === x || p === y) return;
    if (x === -1 || p < x) { y = x; x = p; } else if (y === -1 || p < y) y = p;
  };
  for (let lo = a + size, hi = b + size + 1; lo < hi; lo >>= 1, hi >>= 1) {
    if (lo & 1) { take(tree[2 * lo]); take(tree[2 * lo + 1]); lo++; }
    if (hi & 1) { hi--; take(tree[2 * hi]); take(tree[2 * hi + 1]); }
  }
  return [x, y];
}

/**
 * The stretch tree of stabbingFirstTwo.
 * @param {Item[]} items
 */
export function buildStabbing(items) {
  const cuts = new Float64Array(2 * items.length);
  for (let i = 0; i < items.length; i++) {
    cuts[2 * i] = items[i].r.serviceDate;
    cuts[2 * i + 1] = lastGroupDay(items[i].r) + 1;
  }
  cuts.sort();
  let m = 0;
  for (let i = 0; i < cuts.length; i++) if (i === 0 || cuts[i] !== cuts[i - 1]) cuts[m++] = cuts[i];
  const points = cuts.slice(0, m);
  let size = 1;
  while (size < Math.max(1, m)) size <<= 1;
  const tree = new Int32Array(4 * size).fill(-1);
  const painted = new Uint8Array(m);
  // next[j]: the first stretch at or after j painted fewer than twice (path-halving union-find).
  const next = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) next[j] = j;
  /** @param {number} j */
  const find = (j) => {
    while (next[j] !== j) { next[j] = next[next[j]]; j = next[j]; }
    return j;
  };
  for (let p = 0; p < items.length; p++) {
    const from = boundOf(points, items[p].r.serviceDate, false);
    const to = boundOf(points, lastGroupDay(items[p].r) + 1, false);
    for (let j = find(from); j < to; j = find(j + 1)) {
      tree[2 * (size + j) + painted[j]] = p;
      if (++painted[j] === 2) next[j] = j + 1;
    }
  }
  for (let n = size - 1; n >= 1; n--) {
    const l = 2 * n;
    const r = 2 * n + 1;
    // Merge the two first of each child: positions are distinct within a stretch, not across stretches.
    const vals = [tree[2 * l], tree[2 * l + 1], tree[2 * r], tree[2 * r + 1]].filter((v) => v >= 0).sort((u, v) => u - v);
    const a = vals.length > 0 ? vals[0] : -1;
    let b = -1;
    for (let k = 1; k < vals.length; k++) if (vals[k] !== a) { b = vals[k]; break; }
    tree[2 * n] = a;
    tree[2 * n + 1] = b;
  }
  return { points, tree, size };
}

/**
 * The sum of value over the other lines of the item's group, in input order (null values skipped).
 * @param {Item} it
 * @param {number} slot
 * @param {(o: Item) => number | null} value
 */
export function sumIn(it, slot, value) {
  const g = /** @type {Group[]} */ (it.g)[slot];
  let n = 0;
  for (let i = g.start; i < g.end; i++) {
    const o = g.all[i];
    if (o === it || !meets(g, it, o)) continue;
    const x = value(o);
    if (x !== null) n += x;
  }
  return n;
}
