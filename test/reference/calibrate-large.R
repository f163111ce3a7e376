## calibrate-large.json: calibration models too large for the tiny ones in weighting.R — apistrat
## (dstrat) calibrated to its 40 counties (cname) and its school types (stype), 42 model columns,
## with calfun linear and raking. The county totals are the design's weighted counts times 1.1 or
## 0.9 (alternately, in sorted order), the school-type totals the design's scaled to the same
## population. Checks the Cholesky route surveykit takes for such models (weights and SEs to 1e-8).
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else file.path(getwd(), "test", "reference")
}), "common.R"))

dstrat <- make_design("dstrat")
dstrat <- update(dstrat, cname = factor(cname))
county <- svytotal(~cname, dstrat)
counties <- sub("^cname", "", names(coef(county)))
county_pop <- unname(coef(county)) * ifelse(seq_along(counties) %% 2 == 0, 1.1, 0.9)
N <- sum(county_pop)
type <- svytotal(~stype, dstrat)
types <- sub("^stype", "", names(coef(type)))
type_pop <- unname(coef(type)) / sum(coef(type)) * N

cases <- lapply(c("linear", "raking"), function(calfun) {
  pop <- c(`(Intercept)` = N, setNames(county_pop[-1], paste0("cname", counties[-1])),
           setNames(type_pop[-1], paste0("stype", types[-1])))
  d <- calibrate(dstrat, ~cname + stype, pop, calfun = calfun, epsilon = 1e-10, maxit = 100)
  m <- svymean(~api00 + enroll, d, na.rm = TRUE)
  t <- svytotal(~stype, d)
  list(calfun = calfun, columns = length(pop),
       weights = vec(weights(d)),
       mean = list(estimate = vec(coef(m)), se = vec(SE(m))),
       total = list(estimate = vec(coef(t)), se = vec(SE(t))))
})

write_ref(list(
  meta = meta("calibrate-large", "calibrate(dstrat, ~cname + stype, pop, calfun, epsilon = 1e-10, maxit = 100); svymean(~api00 + enroll, na.rm = TRUE); svytotal(~stype)"),
  design = spec_json("dstrat"),
  margins = list(
    list(variable = "cname", levels = strs(counties), population = vec(county_pop)),
    list(variable = "stype", levels = strs(types), population = vec(type_pop))
  ),
  cases = cases
), "calibrate-large")
