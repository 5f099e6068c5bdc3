/**
 * English function words. Dedup features skip them: machine translation drops
 * and swaps them freely, and they say nothing about which story a paragraph is.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but nor if of in on at to for from by with as is are was were be been being am it its itself this that ' +
    'these those he she they we you i me him her them us his hers their theirs our ours your yours my mine not no so than ' +
    'then there here who whom whose which what when where why how has have had having do does did done will would shall ' +
    'can could should may might must also just about into onto over under after before while during such very too more ' +
    'most other some any each every all both either neither own same only up down out off again further once'
  ).split(' '),
);
