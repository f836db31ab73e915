// The check of an inclusion proof, in the browser (API.md, "Checking a proof", steps 1-4): every digest is recomputed
// here with Web Crypto from the texts the proof carries; the digests the server wrote beside them are never trusted.
// The first step that fails names the level where the proof breaks.

// Web Crypto's digest exists only in a secure context (https, or http on this machine itself).
export function canCheck() {
  return typeof window !== 'undefined' && window.isSecureContext === true && !!(window.crypto && window.crypto.subtle);
}

export async function sha256Hex(text) {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

// "35.78.01.1001.001" -> "35.78.01.1001"; the top of a path has none.
export function parentCode(code) {
  const dot = code.lastIndexOf('.');
  return dot < 0 ? null : code.slice(0, dot);
}

// A whole line of a canonical text (each line ends with LF, none is a prefix of another by accident).
function hasLine(text, line) { return ('\n' + text).includes('\n' + line + '\n'); }

// A level as the check shows it; state: 'ok' (ticked), 'broken' (where it breaks), 'unchecked' (above the break).
function shown(level, digest) {
  return {
    region: typeof level.region === 'string' ? level.region : '',
    level: typeof level.level === 'string' ? level.level : '',
    name: typeof level.name === 'string' ? level.name : '',
    certified: level.certified && typeof level.certified === 'object' ? level.certified : null,
    digest,
    state: 'unchecked',
  };
}

// ask: { contest, tps, receipt, scope } (scope: the top of the race); published: the digests of the scope's tally
// read just before and just after the proof (either is accepted: the top moves while forms arrive); readTally(code)
// answers a region's tally (or null), to confirm that each certificate the proof ends at is the one in force.
// Answers { levels, against, broken: null | { index, reason, values } }: reason is a key of the page's texts.
export async function checkProof(proof, ask, published, readTally) {
  const raw = proof && Array.isArray(proof.levels) ? proof.levels.filter((l) => l && typeof l === 'object') : [];
  const against = proof && proof.against === 'certificate' ? 'certificate' : 'live';
  const digests = [];
  for (const level of raw) digests.push(typeof level.text === 'string' ? await sha256Hex(level.text) : null);
  const levels = raw.map((level, i) => shown(level, digests[i]));
  const result = { levels, against, broken: null };
  const breakAt = (index, reason, values) => {
    levels.forEach((l, i) => { l.state = i < index ? 'ok' : i === index ? 'broken' : 'unchecked'; });
    result.broken = { index, reason, values: values || {} };
    return result;
  };
  const nameOf = (i) => (levels[i] && (levels[i].name || levels[i].region)) || '';

  // Step 2: the first level is this TPS's form, the one the receipt names.
  if (!levels.length) {
    levels.push({ region: ask.tps, level: 'tps', name: ask.tps, certified: null, digest: null, state: 'unchecked' });
    return breakAt(0, 'breakEmpty');
  }
  const tpsText = raw[0].text;
  if (typeof tpsText !== 'string' || !tpsText.startsWith('kpu-orleans tps v1\n') || !hasLine(tpsText, 'contest ' + ask.contest)
      || !hasLine(tpsText, 'tps ' + ask.tps)) {
    return breakAt(0, 'breakNotTps', { name: nameOf(0), tps: ask.tps });
  }
  if (digests[0] !== ask.receipt) {
    return breakAt(0, 'breakReceipt', { name: nameOf(0), counted: digests[0], receipt: ask.receipt });
  }

  // Step 3: each level above names the one below as its child, with the digest just computed for it.
  const codes = [ask.tps]; // each level's code as the texts below it prove it, not as the proof's fields say
  let code = ask.tps;
  for (let i = 1; i < raw.length; i++) {
    const text = raw[i].text;
    const parent = parentCode(code);
    const below = { name: nameOf(i - 1), parent: nameOf(i) };
    if (typeof text !== 'string' || !text.startsWith('kpu-orleans region v1\n') || !hasLine(text, 'contest ' + ask.contest)
        || parent === null || !hasLine(text, 'region ' + parent)) {
      return breakAt(i - 1, 'breakWrongParent', below);
    }
    if (!hasLine(text, 'child ' + code + ' ' + digests[i - 1])) return breakAt(i - 1, 'breakNotCounted', below);
    code = parent;
    codes.push(code);
  }
  const top = raw.length - 1;

  // Step 4: the last level is the published total, or the certificates the proof ends at.
  if (against === 'live') {
    if (code !== ask.scope) {
      const missing = parentCode(code);
      levels.push({ region: missing || '', level: '', name: missing || '', certified: null, digest: null, state: 'unchecked' });
      return breakAt(levels.length - 1, 'breakShort', { name: nameOf(top), scope: ask.scope });
    }
    const known = published.filter((d) => typeof d === 'string');
    if (!known.length) return breakAt(top, 'breakTopUnread', { name: nameOf(top) });
    if (!known.includes(digests[top])) return breakAt(top, 'breakTop', { name: nameOf(top), published: known[known.length - 1] });
  } else {
    if (!levels[top].certified) return breakAt(top, 'breakNoCertificate', { name: nameOf(top) });
    for (let i = 0; i <= top; i++) {
      const seal = levels[i].certified;
      if (!seal) continue;
      if (seal.digest !== digests[i]) return breakAt(i, 'breakCertificate', { name: nameOf(i) });
      const tally = await readTally(codes[i]);
      const inForce = tally && tally.certified && tally.certified.digest;
      if (inForce !== digests[i]) return breakAt(i, 'breakCertificateNotInForce', { name: nameOf(i) });
    }
  }
  levels.forEach((l) => { l.state = 'ok'; });
  return result;
}
