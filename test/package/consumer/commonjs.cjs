// CommonJS users load the ES module with import().
import('surveykit').then((s) => console.log(typeof s.svyMean, typeof s.parseCsv));
