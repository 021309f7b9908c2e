#!/usr/bin/env python3
"""Builds the committed evaluation samples in data/eval/ from two public datasets (see data/eval/README.md).

usage: prepare-public-data.py HETREC_DIR AUDIOSCROBBLER_DIR
  HETREC_DIR: hetrec2011-lastfm-2k (artists.dat, user_artists.dat)
  AUDIOSCROBBLER_DIR: the Audioscrobbler sample (artist_data_small.txt, artist_alias_small.txt)
Run once by hand; nothing at test time downloads anything.
"""
import difflib, gzip, sys, unicodedata, re
from collections import defaultdict

het, scrob = sys.argv[1], sys.argv[2]

def rd(p):
    return open(p, encoding='utf-8', errors='replace').read().splitlines()

names = {}
for line in rd(f'{het}/artists.dat')[1:]:
    p = line.split('\t')
    if len(p) >= 2 and p[1].strip():
        names[p[0]] = p[1].strip()
plays = defaultdict(int)
rows = []
for line in rd(f'{het}/user_artists.dat')[1:]:
    u, a, w = line.split('\t')
    if a in names:
        plays[a] += int(w)
        rows.append((u, names[a], int(w)))

with gzip.open('data/eval/hetrec-lastfm-artists.tsv.gz', 'wt', encoding='utf-8') as f:
    for a, n in names.items():
        f.write(f'{n}\t{plays[a]}\n')
with gzip.open('data/eval/hetrec-lastfm-plays.tsv.gz', 'wt', encoding='utf-8') as f:
    for u, n, w in rows:
        f.write(f'u{u}\t{n}\t{w}\n')

def compact(s):
    s = unicodedata.normalize('NFKD', s)
    s = ''.join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r'[^0-9a-z]+', '', s)

sn = {}
for line in rd(f'{scrob}/artist_data_small.txt'):
    p = line.split('\t', 1)
    if len(p) == 2:
        sn[p[0]] = p[1].strip()
kept = 0
with open('data/eval/audioscrobbler-misspellings.tsv', 'w', encoding='utf-8') as f:
    f.write('# query\texpected\tkind  (Audioscrobbler artist_alias: names people typed -> the canonical artist)\n')
    for line in rd(f'{scrob}/artist_alias_small.txt'):
        bad, good = line.split('\t')
        q, e = sn.get(bad), sn.get(good)
        if not q or not e or compact(q) == compact(e) or not compact(e):
            continue  # unknown id, or the same name up to case/accents/punctuation (no misspelling)
        # A misspelling, not a different name: similar as strings (drops "MadM" -> "Auf Der Maur").
        if difflib.SequenceMatcher(None, q.lower(), e.lower()).ratio() < 0.7:
            continue
        f.write(f'{q}\t{e}\tartist\n')
        kept += 1
print(f'{len(names)} artists, {len(rows)} user-artist rows, {kept} misspellings')
