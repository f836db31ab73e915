// A QR code encoder (ISO/IEC 18004), written here for the receipt's check address: byte mode, error correction level
// M (a code whose corner is scuffed or badly lit still reads), versions 1-15, so up to 413 bytes where a check address
// is about 150. qrMatrix() answers the modules (true = dark), without the quiet zone; qrSvg() draws them.

// Per version, level M: [EC codewords per block, blocks of group 1, data codewords each, blocks of group 2, data each].
const BLOCKS_M = [
  null,
  [10, 1, 16, 0, 0], [16, 1, 28, 0, 0], [26, 1, 44, 0, 0], [18, 2, 32, 0, 0], [24, 2, 43, 0, 0],
  [16, 4, 27, 0, 0], [18, 4, 31, 0, 0], [22, 2, 38, 2, 39], [22, 3, 36, 2, 37], [26, 4, 43, 1, 44],
  [30, 1, 50, 4, 51], [22, 6, 36, 2, 37], [22, 8, 37, 1, 38], [24, 4, 40, 5, 41], [24, 5, 41, 5, 42],
];

// Centres of the alignment patterns per version (each pair of them, except those on a finder pattern).
const ALIGNMENT = [
  null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
  [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70],
];

export const MAX_VERSION = BLOCKS_M.length - 1;

// ------------------------------------------------------------------ Reed-Solomon over GF(256), polynomial 0x11D

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
(function fillTables() {
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  // Doubled, so that a product's log sum needs no modulo.
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}());

function gfMul(a, b) { return a && b ? EXP[LOG[a] + LOG[b]] : 0; }

// (x - a^0)(x - a^1)...(x - a^(n-1)), highest power first; its leading 1 included.
function generator(degree) {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= gfMul(poly[j], EXP[i]);
    }
    poly = next;
  }
  return poly;
}

// The EC codewords of a block: the remainder of data(x)·x^degree divided by the generator.
function ecCodewords(data, degree) {
  const gen = generator(degree);
  const rem = new Array(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ rem.shift();
    rem.push(0);
    if (factor) for (let i = 0; i < degree; i++) rem[i] ^= gfMul(gen[i + 1], factor);
  }
  return rem;
}

// ------------------------------------------------------------------ data codewords

function dataCapacity(version) {
  const [, n1, d1, n2, d2] = BLOCKS_M[version];
  return n1 * d1 + n2 * d2;
}

function countBits(version) { return version <= 9 ? 8 : 16; }

function chooseVersion(length) {
  for (let v = 1; v <= MAX_VERSION; v++) {
    if (4 + countBits(v) + 8 * length <= dataCapacity(v) * 8) return v;
  }
  return 0;
}

function dataCodewords(bytes, version) {
  const bits = [];
  const put = (value, n) => { for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  put(0b0100, 4); // byte mode
  put(bytes.length, countBits(version));
  for (const b of bytes) put(b, 8);
  const capacity = dataCapacity(version) * 8;
  put(0, Math.min(4, capacity - bits.length)); // terminator
  while (bits.length % 8) bits.push(0);
  const words = [];
  for (let i = 0; i < bits.length; i += 8) {
    let w = 0;
    for (let j = 0; j < 8; j++) w = (w << 1) | bits[i + j];
    words.push(w);
  }
  for (let pad = 0; words.length < capacity / 8; pad ^= 1) words.push(pad ? 0x11 : 0xec);
  return words;
}

// Split into blocks, add each block's EC codewords, and interleave: data column by column, then EC likewise.
function finalCodewords(data, version) {
  const [ecLength, n1, d1, n2, d2] = BLOCKS_M[version];
  const blocks = [];
  let at = 0;
  for (let i = 0; i < n1 + n2; i++) {
    const length = i < n1 ? d1 : d2;
    const block = data.slice(at, at + length);
    at += length;
    blocks.push({ data: block, ec: ecCodewords(block, ecLength) });
  }
  const out = [];
  for (let i = 0; i < Math.max(d1, d2); i++) for (const b of blocks) if (i < b.data.length) out.push(b.data[i]);
  for (let i = 0; i < ecLength; i++) for (const b of blocks) out.push(b.ec[i]);
  return out;
}

// ------------------------------------------------------------------ the matrix

// The remainder of value·x^degree divided by gen (a BCH code over GF(2)), for the format and version information.
function bch(value, gen, degree) {
  let v = value << degree;
  const top = 31 - Math.clz32(gen);
  for (let bit = 31 - Math.clz32(v); bit >= top; bit--) if ((v >>> bit) & 1) v ^= gen << (bit - top);
  return (value << degree) | v;
}

const MASKS = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

class Grid {
  constructor(version) {
    this.size = 17 + 4 * version;
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  set(r, c, dark) {
    this.dark[r][c] = dark;
    this.fixed[r][c] = true;
  }
}

function drawFunctionPatterns(grid, version) {
  const n = grid.size;
  // Finder patterns with their light separators.
  for (const [top, left] of [[0, 0], [0, n - 7], [n - 7, 0]]) {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const r = top + dr;
        const c = left + dc;
        if (r < 0 || c < 0 || r >= n || c >= n) continue;
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        grid.set(r, c, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < n - 8; i++) {
    grid.set(6, i, i % 2 === 0);
    grid.set(i, 6, i % 2 === 0);
  }
  const centres = ALIGNMENT[version];
  const last = centres.length - 1;
  centres.forEach((r, i) => centres.forEach((c, j) => {
    if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
    for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) grid.set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
  }));
  // Reserved now, written once the mask is chosen.
  drawFormat(grid, 0);
  if (version >= 7) {
    const bits = bch(version, 0x1f25, 12);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = n - 11 + (i % 3);
      const b = Math.floor(i / 3);
      grid.set(b, a, dark);
      grid.set(a, b, dark);
    }
  }
}

// Level M is 00; the 15 bits are masked with 101010000010010 so that they are never all light.
function drawFormat(grid, mask) {
  const n = grid.size;
  const bits = bch(mask, 0x537, 10) ^ 0x5412;
  const bit = (i) => ((bits >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) grid.set(i, 8, bit(i));
  grid.set(7, 8, bit(6));
  grid.set(8, 8, bit(7));
  grid.set(8, 7, bit(8));
  for (let i = 9; i < 15; i++) grid.set(8, 14 - i, bit(i));
  for (let i = 0; i < 8; i++) grid.set(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) grid.set(n - 15 + i, 8, bit(i));
  grid.set(n - 8, 8, true); // the dark module
}

// Codeword bits, most significant first, in two-column strips from the bottom right, up and down in turn; the
// vertical timing column is skipped. Modules left over (remainder bits) stay light.
function placeData(grid, codewords) {
  const n = grid.size;
  let i = 0;
  const total = codewords.length * 8;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < n; step++) {
      const r = upward ? n - 1 - step : step;
      for (let c = right; c >= right - 1; c--) {
        if (grid.fixed[r][c]) continue;
        grid.dark[r][c] = i < total && ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }
}

function applyMask(grid, mask) {
  const test = MASKS[mask];
  for (let r = 0; r < grid.size; r++) {
    for (let c = 0; c < grid.size; c++) if (!grid.fixed[r][c] && test(r, c)) grid.dark[r][c] = !grid.dark[r][c];
  }
}

// The standard's penalty: long runs, 2x2 blocks, finder-like patterns, and an unbalanced share of dark modules.
function penalty(grid) {
  const n = grid.size;
  const d = grid.dark;
  let score = 0;
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(d[i]);
    lines.push(d.map((row) => row[i]));
  }
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && line[i] === line[i - 1]) { run++; continue; }
      if (run >= 5) score += 3 + (run - 5);
      run = 1;
    }
    const text = line.map((m) => (m ? '1' : '0')).join('');
    for (const pattern of ['10111010000', '00001011101']) {
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) score += 40;
    }
  }
  let darkCount = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (d[r][c]) darkCount++;
      if (r < n - 1 && c < n - 1 && d[r][c] === d[r][c + 1] && d[r][c] === d[r + 1][c] && d[r][c] === d[r + 1][c + 1]) score += 3;
    }
  }
  score += 10 * Math.floor(Math.abs((darkCount * 100) / (n * n) - 50) / 5);
  return score;
}

// The modules of text's QR code (UTF-8, byte mode, level M): rows of booleans; throws when text is too long.
export function qrMatrix(text) {
  const bytes = new TextEncoder().encode(text);
  const version = chooseVersion(bytes.length);
  if (!version) throw new RangeError('too long for a QR code of version ' + MAX_VERSION + ': ' + bytes.length + ' bytes');
  const codewords = finalCodewords(dataCodewords(bytes, version), version);
  let best = null;
  for (let mask = 0; mask < MASKS.length; mask++) {
    const grid = new Grid(version);
    drawFunctionPatterns(grid, version);
    placeData(grid, codewords);
    applyMask(grid, mask);
    drawFormat(grid, mask);
    const score = penalty(grid);
    if (!best || score < best.score) best = { score, grid };
  }
  return best.grid.dark;
}

const SVG = 'http://www.w3.org/2000/svg';

// The code as SVG: one path of dark squares on a light square with the 4-module quiet zone; no inline style (the
// page's CSP allows none), its size is the stylesheet's. label names it for screen readers.
export function qrSvg(text, label) {
  const modules = qrMatrix(text);
  const quiet = 4;
  const side = modules.length + 2 * quiet;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + side + ' ' + side);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('data-modules', String(modules.length));
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  const paper = document.createElementNS(SVG, 'rect');
  paper.setAttribute('width', String(side));
  paper.setAttribute('height', String(side));
  paper.setAttribute('fill', '#fff');
  let d = '';
  modules.forEach((row, r) => row.forEach((dark, c) => { if (dark) d += 'M' + (c + quiet) + ' ' + (r + quiet) + 'h1v1h-1z'; }));
  const ink = document.createElementNS(SVG, 'path');
  ink.setAttribute('d', d);
  ink.setAttribute('fill', '#000');
  svg.append(title, paper, ink);
  return svg;
}
