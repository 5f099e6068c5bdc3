/**
 * Build a syndicated news dump with gold near-duplicate clusters from clean
 * articles: each story is republished by several sites, each copy damaged by
 * the noise model of one level (src/gen/noise.ts, docs/dedup.md); unrelated
 * articles on similar topics are added once each as hard negatives.
 */
import type { WordNet } from '../lexicon/wordnet.ts';
import { abridgeParagraph, formatNoise, isContentWord, mtDamage, spin, splitParagraph, typos } from './noise.ts';
import { createRng, type Rng } from './random.ts';
import type { SourceArticle } from './source.ts';

export interface NoiseLevel {
  name: string;
  /** Share of content words a spinner replaces (in a spun copy). */
  spinRate: number;
  /** Probability that a copy is spun. */
  spunCopies: number;
  /** Probability that a copy went through a machine-translation round trip, and its damage intensity. */
  mtCopies: number;
  mtIntensity: number;
  /** Share of words with a typo. */
  typoRate: number;
  /** Per paragraph: probability of being split in two, of being abridged (trailing sentences cut). */
  splitRate: number;
  abridgeRate: number;
  /** Per paragraph: probability that a copy leaves the paragraph out entirely. */
  dropRate: number;
}

export const NOISE_LEVELS: readonly NoiseLevel[] = [
  { name: 'L0', spinRate: 0, spunCopies: 0, mtCopies: 0, mtIntensity: 0, typoRate: 0, splitRate: 0, abridgeRate: 0, dropRate: 0.05 },
  { name: 'L1', spinRate: 0.1, spunCopies: 0.5, mtCopies: 0.2, mtIntensity: 0.4, typoRate: 0.005, splitRate: 0.05, abridgeRate: 0.1, dropRate: 0.1 },
  { name: 'L2', spinRate: 0.2, spunCopies: 0.6, mtCopies: 0.3, mtIntensity: 0.7, typoRate: 0.01, splitRate: 0.1, abridgeRate: 0.2, dropRate: 0.15 },
  { name: 'L3', spinRate: 0.3, spunCopies: 0.7, mtCopies: 0.4, mtIntensity: 1, typoRate: 0.02, splitRate: 0.15, abridgeRate: 0.3, dropRate: 0.2 },
];

export interface GeneratedParagraph {
  text: string;
  /** Gold cluster label: `<article>#<paragraph>` for article text, `bp:<template number>` for boilerplate. */
  gold: string;
}

export interface GeneratedDoc {
  id: string;
  site: string;
  /** The story (source article) this document copies. */
  story: string;
  /** What was done to this copy, e.g. ["spun 0.3", "mt 1"]. */
  noise: string[];
  paragraphs: GeneratedParagraph[];
}

export interface SyndicateOptions {
  level: NoiseLevel;
  seed: number;
  /** Copies per syndicated story (the original publication included). */
  minCopies?: number;
  maxCopies?: number;
  /** Share of articles used once, as hard negatives (nearest in vocabulary to a syndicated story). */
  negativeShare?: number;
}

const SITES = ['dailyherald', 'metrowire', 'globalpost', 'newsnow', 'theledger', 'citybeat', 'worldreport', 'eveningstar', 'pressline', 'northtimes', 'bayobserver', 'capitalnews'];

/**
 * Site furniture that scrapers keep; long enough to be a paragraph. One
 * template differs between sites only by the site name, so its copies are
 * near duplicates of each other: gold puts them in one cluster per template.
 */
function boilerplateFor(site: string, rng: Rng): GeneratedParagraph[] {
  const templates = [
    `Follow ${site} on Twitter and Facebook for the latest breaking news and updates.`,
    `Sign up for the ${site} newsletter to get the top stories delivered to your inbox every morning.`,
    `Copyright ${site} 2024. All rights reserved.`,
    'Share this article',
    `Read more stories like this one on the ${site} website and in our daily app.`,
  ];
  return templates.flatMap((text, i) => (rng.chance(0.4) ? [{ text, gold: `bp:${i}` }] : []));
}

function contentSet(a: SourceArticle): Set<string> {
  const s = new Set<string>();
  for (const p of a.paragraphs) for (const w of p.toLowerCase().match(/[a-z]+/g) ?? []) if (isContentWord(w)) s.add(w);
  return s;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter || 1);
}

/**
 * Choose which articles are syndicated stories and which are used once as hard
 * negatives: the negatives are the articles nearest in vocabulary to some story.
 */
function chooseNegatives(articles: SourceArticle[], share: number, rng: Rng): Set<string> {
  const sets = articles.map(contentSet);
  const want = Math.round(articles.length * share);
  const negatives = new Set<string>();
  for (const i of rng.shuffle(articles.map((_, i) => i))) {
    if (negatives.size >= want) break;
    if (negatives.has(articles[i]!.id)) continue;
    let best = -1;
    let bestSim = -1;
    for (let j = 0; j < articles.length; j++) {
      if (j === i || negatives.has(articles[j]!.id)) continue;
      const sim = jaccard(sets[i]!, sets[j]!);
      if (sim > bestSim) [best, bestSim] = [j, sim];
    }
    if (best >= 0) negatives.add(articles[best]!.id);
  }
  return negatives;
}

function copyArticle(article: SourceArticle, level: NoiseLevel, rng: Rng, wn: WordNet, original: boolean): { paragraphs: GeneratedParagraph[]; noise: string[] } {
  const noise: string[] = [];
  const spun = !original && rng.chance(level.spunCopies);
  const mt = !original && rng.chance(level.mtCopies);
  if (spun) noise.push(`spun ${level.spinRate}`);
  if (mt) noise.push(`mt ${level.mtIntensity}`);
  const out: GeneratedParagraph[] = [];
  article.paragraphs.forEach((text, i) => {
    const gold = `${article.id}#${i}`;
    if (!original && rng.chance(level.dropRate)) return;
    let t = formatNoise(text, rng);
    if (!original && rng.chance(level.abridgeRate)) t = abridgeParagraph(t, rng) ?? t;
    if (spun) t = spin(t, level.spinRate, rng, wn);
    if (mt) t = mtDamage(t, level.mtIntensity, rng);
    if (!original) t = typos(t, level.typoRate, rng);
    const halves = !original && rng.chance(level.splitRate) ? splitParagraph(t) : null;
    if (halves) out.push({ text: halves[0], gold }, { text: halves[1], gold });
    else out.push({ text: t, gold });
  });
  return { paragraphs: out, noise };
}

/** Generate one dump at one noise level. Deterministic in (articles, options). */
export function syndicate(articles: SourceArticle[], wn: WordNet, opts: SyndicateOptions): GeneratedDoc[] {
  const { level, seed, minCopies = 2, maxCopies = 8, negativeShare = 0.3 } = opts;
  const rng = createRng(seed);
  const negatives = chooseNegatives(articles, negativeShare, rng.fork('negatives'));
  const docs: GeneratedDoc[] = [];
  for (const article of articles) {
    // Copies and sites depend on the article only, so the levels differ in noise alone.
    const arng = rng.fork(article.id);
    const copies = negatives.has(article.id) ? 1 : arng.int(minCopies, maxCopies);
    const sites = arng.shuffle(SITES);
    for (let c = 0; c < copies; c++) {
      const site = sites[c % sites.length]!;
      const crng = rng.fork(`${level.name}/${article.id}/${c}`);
      const { paragraphs, noise } = copyArticle(article, level, crng, wn, c === 0);
      const furniture = boilerplateFor(site, crng);
      const cut = Math.min(2, furniture.length);
      docs.push({
        id: `${level.name}-${article.id}-${c}`,
        site,
        story: article.id,
        noise,
        paragraphs: [...furniture.slice(0, cut), ...paragraphs, ...furniture.slice(cut)],
      });
    }
  }
  return docs;
}
