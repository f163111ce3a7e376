/** What Node users do with the installed package: files by path, PNG rendering. */
import { estimateChart, readCsv, readSav, renderPng, svyDesign, svyMean } from 'surveykit';

const data = await readCsv(new URL('./apiclus1.csv', import.meta.url).pathname);
const sav = await readSav(new URL('./poll.zsav', import.meta.url).pathname);
const [m] = svyMean(svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' }), 'api00');
const png = await renderPng(estimateChart(svyMean(svyDesign(data, { weights: 'pw' }), 'stype')));
console.log(
  m!.estimate.toFixed(2),
  m!.se.toFixed(3),
  sav.nrow,
  String.fromCharCode(...png.subarray(1, 4)),
);
