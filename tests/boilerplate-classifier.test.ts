import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blockFeatures, classifyBlocks, grade, lineVerdict, type ClassifierInput } from '../src/boilerplate/classify.ts';
import { loadKnowledge, matchPhrase, stopwordDensity, words } from '../src/boilerplate/knowledge.ts';
import { runOnTexts } from './helpers/pipeline.ts';

const P = (text: string): ClassifierInput => ({ text, kind: 'paragraph' });
const reasonOf = (line: string) => lineVerdict(line)?.reason ?? null;

const PROSE = [
  'The minister said on Monday that the government would not be able to attend the talks, which had been planned for weeks.',
  'Officials in the capital have said that they will maintain the sanctions as long as the negotiations are not resumed.',
  'He was criticized for failing to negotiate a peace deal and was replaced by his deputy, who had served in the White House.',
  'In interviews last month, the envoy said that he had reached an agreement with the insurgents to stay out of the city.',
];

describe('line rules', () => {
  it.each([
    ['Leave a Reply', 'comment-form'],
    ['Your email address will not be published. Required fields are marked *', 'comment-form'],
    ['This site uses Akismet to reduce spam. Learn how your comment data is processed.', 'comment-form'],
    ['Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert', 'comment-form'],
    ['Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *', 'comment-form'],
    ['Tu dirección de correo electrónico no será publicada. Los campos obligatorios están marcados con *', 'comment-form'],
    ['O seu endereço de e-mail não será publicado. Campos obrigatórios são marcados com *', 'comment-form'],
    ['Il tuo indirizzo email non sarà pubblicato. I campi obbligatori sono contrassegnati *', 'comment-form'],
    ['Think your friends would be interested? Share this story!', 'share'],
    ['Artikel teilen', 'share'],
    ['Partager cet article', 'share'],
    ['FOLLOW INDEPENDENT PRESS:', 'follow'],
    ['Síguenos en Twitter', 'follow'],
    ['Related Articles', 'related'],
    ['Das könnte Sie auch interessieren', 'related'],
    ['Leggi anche: il governo cade', 'related'],
    ['Source link', 'aggregator'],
    ['Back to top button', 'navigation'],
    ['Nach oben', 'navigation'],
    ['We use cookies to improve your experience. By continuing you agree.', 'cookie'],
    ['Diese Website verwendet Cookies, um Ihnen ein besseres Erlebnis zu bieten.', 'cookie'],
    ['Sign up for our daily newsletter', 'newsletter'],
    ['Copyright ©2021 Dow Jones & Firm, Inc. All Rights Reserved. 87990cbe856818d5eddac44c7b1cdeb8', 'copyright'],
    ['© 2024 Beispiel Verlag GmbH. Alle Rechte vorbehalten.', 'copyright'],
    ['By Vivian Salama', 'byline'],
    ['_____________________', 'separator'],
    ['* * *', 'separator'],
    ['– .', 'debris'],
    ['https://twitter.com/IpIndependent', 'follow'],
    ['Generate to Vivian Salama at [email protected]', 'contact'],
    ['Write to Jane Doe at jane.doe@example.com', 'contact'],
    ['Schreiben Sie an Max Muster unter max@example.de', 'contact'],
    ['A delegation took part in talks in Moscow. [Alexander Zemlianichenko/AP Photo]', 'caption-credit'],
    ['Protesters gather outside parliament. (AP Photo/Rahmat Gul)', 'caption-credit'],
    ['Home » today » News » US envoy steps down', 'breadcrumb'],
    ['Terms of Service | Privacy Policy | Contact Us | Careers', 'navigation'],
    ['Publiziert: 03.04.2020, 12:35', 'dateline'],
    ['October 19, 2021', 'dateline'],
    ['- Anzeige -', 'advert'],
    ['Crédits photos : Bestimage', 'caption-credit'],
    // Phrases inside a longer line (containsRules): sign-up, consent, disclosure, paywall and comment prompts.
    ['Never miss a story: sign up for our free weekly newsletter and get the best reads.', 'newsletter'],
    ['Get our best stories delivered to your inbox every Friday morning.', 'newsletter'],
    ['Gib deine E-Mail-Adresse ein, um neue Beiträge per E-Mail zu erhalten.', 'newsletter'],
    ['Pour ne rien manquer, inscrivez-vous à notre newsletter hebdomadaire.', 'newsletter'],
    ['Recibe cada mañana las noticias: suscríbete a nuestro boletín diario.', 'newsletter'],
    ['Privacy notice: this site uses cookies. By continuing to browse the site you agree.', 'cookie'],
    ['Ich bin mit der Verarbeitung meiner Daten gemäß der Datenschutzerklärung einverstanden.', 'cookie'],
    ['Questo sito utilizza i cookie per migliorare la tua esperienza di navigazione.', 'cookie'],
    ['Affiliate note: we may earn a commission when you buy through links on this page.', 'disclaimer'],
    ['Für Links in diesem Artikel erhält der Verlag ggf. eine Provision vom Händler.', 'disclaimer'],
    ['Les propos tenus dans cette tribune n\'engagent que leur auteur.', 'disclaimer'],
    ['To continue reading, please subscribe or log in to your account.', 'paywall'],
    ['Vous avez lu 3 des 5 articles gratuits ce mois-ci.', 'paywall'],
    ['Du musst angemeldet sein, um einen Kommentar zu schreiben.', 'comment-form'],
    ['12 responses to “Why the river flooded again”', 'comment-form'],
    ['3 Antworten zu „Unser Wochenende am See“', 'comment-form'],
    // Related-story teasers led by a label.
    ['Read more: Floods hit the north for the third time this year', 'related'],
    ['Le puede interesar: El Congreso aprueba la reforma', 'related'],
    ['À lire aussi : La réforme des retraites adoptée', 'related'],
  ])('%s → %s', (line, reason) => {
    expect(reasonOf(line)).toBe(reason);
  });

  it('does not fire on article prose that mentions the same words', () => {
    for (const line of [
      ...PROSE,
      'She said she would share the details of the agreement with reporters later this week.',
      'The company wrote to its customers at the end of March to explain the new fees.',
      'By the end of the year, the reserves had been depleted.',
      'Follow-up talks are planned for next month in Doha, according to officials.',
      'Copyright law in the country has not changed since 1998, the court noted in its ruling.',
      'Home prices rose by 4 percent in the third quarter.',
      'Chapter 12 2019',
      'In 2019 the talks resumed.',
      'The newsletter, which she started in 2015, now reaches more than two million readers every week.',
      'Regulators said the site uses tracking tools that many users do not know about.',
      'He said he would read more about the case before deciding whether to subscribe to the theory.',
      'Die Zeitung berichtet, dass sich viele Leser für den Newsletter interessieren.',
      'Sie erhält für ihre Arbeit eine Auszeichnung der Stadt.',
      'Der Makler erhält eine Provision von drei Prozent des Kaufpreises.',
      'Die betroffenen Kunden wurden per E-Mail benachrichtigt und können den Vertrag jederzeit widerrufen.',
      'Phishing emails sent to your inbox can look like messages from your bank.',
      'Keine Antwort auf die Frage gab es vom Ministerium.',
      'Two comments on the draft were submitted by the public before the deadline.',
    ]) {
      expect(reasonOf(line), line).toBeNull();
    }
  });

  it('a block is removed only when every line is boilerplate; mixed blocks stay with a flag', () => {
    const d = classifyBlocks([P(PROSE[0]!), P('TWITTER (CLICK HERE)\nhttps://twitter.com/x'), P(`${PROSE[1]}\nShare this`), P(PROSE[2]!)], { aggressiveness: 0.5 });
    expect(d[1]).toMatchObject({ action: 'remove', reason: 'follow' });
    expect(d[2]).toMatchObject({ action: 'flag', reason: 'share' });
    expect(d[0]!.action).toBe('keep');
  });
});

describe('features', () => {
  it('stop-word density uses the given language and tells prose from menus', () => {
    const prose = words(PROSE[0]!);
    const menu = words('Startseite Politik Wirtschaft Sport Kultur Impressum');
    expect(stopwordDensity(prose, 'en')!).toBeGreaterThan(0.4);
    expect(stopwordDensity(menu, 'de')!).toBeLessThan(0.2);
    expect(stopwordDensity(prose, null)).toBeNull();
  });

  it('grades prose good and menus bad, with or without a stop-word list', () => {
    expect(grade(blockFeatures(PROSE[0]!, 'en'), 'paragraph')).toBe('good');
    expect(grade(blockFeatures('Home | News | Sport | Weather | Contact us | Privacy policy | Terms of use', 'en'), 'paragraph')).toBe('bad');
    // A language without a list: shape alone (long + sentence end = prose).
    const noList = 'Ko te whakaaro nui o te ropu i whakatauria ai kia tu ano te hui a te marama e haere ake nei ki te whare nui o te iwi.';
    expect(blockFeatures(noList, null).stopDensity).toBeNull();
    expect(grade(blockFeatures(noList, null), 'paragraph')).not.toBe('bad');
    expect(grade(blockFeatures('Kāinga Rārangi Whakapā Pānui Tūhono Kaupapa here tūmataiti Ngā tikanga whakamahi', null), 'paragraph')).toBe('bad');
  });
});

describe('classification in context', () => {
  const page = (aggressiveness: number) =>
    classifyBlocks(
      [
        P('Home'), P('Politics'), P('World'), P('Sport'),
        P('Accept all cookies and continue to the website for the best experience'),
        ...PROSE.map(P),
        P('Most popular stories this week'), P('Weather Forecast Radar Maps'), P('Terms Privacy Contact Advertise'),
      ],
      { aggressiveness, mode: 'text' },
    );

  it('keeps every prose block at every aggressiveness', () => {
    for (const a of [0, 0.5, 1]) {
      const d = page(a);
      for (let i = 5; i < 5 + PROSE.length; i++) expect(d[i]!.action, `aggressiveness ${a}`).not.toBe('remove');
    }
  });

  it('removes page chrome outside the article at the default, only rule matches at 0', () => {
    const byDefault = page(0.5);
    expect(byDefault.filter((d) => d.action === 'remove').length).toBeGreaterThanOrEqual(7);
    const none = page(0);
    expect(none.filter((d) => d.action === 'remove' && d.grade !== 'rule')).toEqual([]);
  });

  it('property: more aggressiveness never removes fewer blocks, and prose sentences always stay', () => {
    const sentence = fc.constantFrom(...PROSE);
    const chrome = fc.constantFrom('Home', 'Menu', 'Share', 'Newsletter', 'Login', 'Sport | Wetter | Kultur', 'Most read', 'Related Articles', '© 2020 Example', 'Weiterlesen');
    const doc = fc.array(fc.oneof(sentence.map((t) => ({ t, prose: true })), chrome.map((t) => ({ t, prose: false }))), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(doc, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (items, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const blocks = items.map((x) => P(x.t));
        const dLo = classifyBlocks(blocks, { aggressiveness: lo, mode: 'text' });
        const dHi = classifyBlocks(blocks, { aggressiveness: hi, mode: 'text' });
        expect(dLo).toHaveLength(blocks.length);
        dLo.forEach((d, i) => {
          if (d.action === 'remove') expect(dHi[i]!.action).toBe('remove');
        });
        // A prose sentence is only ever removed as "outside the article" at high aggressiveness.
        items.forEach((x, i) => {
          if (x.prose && dLo[i]!.action === 'remove') expect(lo).toBeGreaterThanOrEqual(0.7);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('property: never throws and returns one decision per block on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (texts, a) => {
        const d = classifyBlocks(texts.map(P), { aggressiveness: a });
        expect(d).toHaveLength(texts.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('knowledge files', () => {
  it('loads en, de, fr, es, pt and it', () => {
    const k = loadKnowledge();
    expect(k.languages).toEqual(expect.arrayContaining(['en', 'de', 'fr', 'es', 'pt', 'it']));
    expect(matchPhrase('Leave a Reply', k)?.reason).toBe('comment-form');
  });

  it('names the file and the pattern when a knowledge file is wrong', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bp-knowledge-'));
    writeFileSync(path.join(dir, 'xx.json'), JSON.stringify({ lang: 'xx', rules: { share: ['(unclosed'] } }));
    expect(() => loadKnowledge(dir)).toThrow(/xx\.json \(share\): \(unclosed/);
    writeFileSync(path.join(dir, 'xx.json'), JSON.stringify({ lang: 'xx', rules: { share: ['ok'] }, typo: 1 }));
    expect(() => loadKnowledge(dir)).toThrow(/invalid boilerplate knowledge .*xx\.json/);
  });
});

describe('boilerplate stage', () => {
  it('records reason, stage, confidence and detail; aggressiveness 0 keeps low-content chrome, flagged', async () => {
    const text = ['Home', 'Politics', PROSE[0], PROSE[1], PROSE[2], 'Leave a Reply', 'Terms of Service Privacy Policy Contact Us Advertise With Us Careers Site Map'].join('\n\n');
    const pipeline = ['segment', 'normalize', 'boilerplate'] as never;
    const def = await runOnTexts([{ id: 'a', text }], { pipeline });
    const doc = def.docs[0]!;
    expect(doc.removed.find((r) => r.text === 'Leave a Reply')).toMatchObject({ reason: 'comment-form', stage: 'boilerplate', confidence: 0.95 });
    expect(doc.blocks.map((b) => b.text)).toEqual(expect.arrayContaining(PROSE.slice(0, 3)));

    const cautious = await runOnTexts([{ id: 'a', text }], { pipeline, stages: { boilerplate: { aggressiveness: 0 } } });
    const kept = cautious.docs[0]!.blocks;
    const footer = kept.find((b) => b.text.startsWith('Terms'));
    expect(footer?.flags[0]).toMatchObject({ kind: 'possible-boilerplate', start: 0, end: footer!.text.length, stage: 'boilerplate' });
    expect(footer!.flags[0]!.confidence).toBeLessThan(0.5);
  });

  it('rejects an out-of-range knob with a clear config error', async () => {
    await expect(runOnTexts([{ id: 'a', text: 'x' }], { stages: { boilerplate: { aggressiveness: 2 } } })).rejects.toThrow(/stages\.boilerplate\.aggressiveness/);
  });
});
