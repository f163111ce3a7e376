## Weighting (postStratify, rake, calibrate, trimWeights) and variances that account for it
## -> weighting.json
## Run from the repository root: Rscript test/reference/weighting.R
.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "weighting-common.R"))

## Tight convergence so that R's weights are its fixed point to ~1e-13 (the defaults stop earlier:
## rake at an absolute change of 1 in the weighted table, calibrate at a misfit of 1e-7).
RAKE_TIGHT <- list(maxit = 1000, epsilon = 1e-13)
CAL_EPS <- 1e-13

dclus1 <- make_design("dclus1")
dpoll <- make_design("dpoll")

## ---- populations (margins recorded as data): weighting-common.R ---------------------------

## ---- estimates -------------------------------------------------------------------------
api_est <- list(
  est_spec("mean", "api00"), est_spec("total", "enroll"), est_spec("mean", "enroll"),
  est_spec("mean", "stype"), est_spec("total", "stype"), est_spec("mean", "sch.wide"), est_spec("mean", "comp.imp"),
  est_spec("total", "api.stu"),
  est_spec("mean", "api00", list(cond("stype", "==", "E"))),
  est_spec("total", "enroll", list(cond("sch.wide", "==", "Yes"))),
  est_spec("mean", "comp.imp", list(cond("stype", "!=", "E"), cond("api99", "<=", 650)))
)
poll_est <- list(
  est_spec("mean", "support"), est_spec("total", "support"), est_spec("mean", "income"), est_spec("total", "income"),
  est_spec("mean", "attitude"), est_spec("mean", "sex"), est_spec("total", "agegroup"), est_spec("mean", "age"),
  est_spec("mean", "support", list(cond("region", "==", "Capital"))),
  est_spec("mean", "income", list(cond("sex", "==", "Female"))),
  est_spec("total", "attitude", list(cond("agegroup", "==", "60+")))
)

estimate <- function(design, e) {
  d <- apply_subset(design, e$subset)
  x <- d$variables[[e$variable]]
  inset <- weights(d, "sampling") != 0
  naRm <- any(is.na(x[inset]))
  f <- as.formula(paste0("~`", e$variable, "`"))
  r <- if (e$statistic == "mean") svymean(f, d, na.rm = naRm) else svytotal(f, d, na.rm = naRm)
  list(statistic = e$statistic, variable = e$variable, subset = if (is.null(e$subset)) NA else e$subset,
       naRm = naRm,
       call = sprintf("%s(~%s, %s%s)", if (e$statistic == "mean") "svymean" else "svytotal", e$variable,
                      if (is.null(e$subset)) "d" else sprintf("subset(d, %s)", subset_rexpr(e$subset)),
                      if (naRm) ", na.rm=TRUE" else ""),
       levels = if (is.factor(x)) strs(levels(x)) else NA,
       estimate = vec(coef(r)), se = vec(SE(r)))
}

## covariance of means of several numeric variables (for the variance tests: p > 1 influence columns)
multi_mean <- function(design, vars, naRm = FALSE) {
  r <- svymean(as.formula(paste("~", paste(vars, collapse = "+"))), design, na.rm = naRm)
  list(variables = strs(vars), naRm = naRm, estimate = vec(coef(r)), vcov = mat(vcov(r)))
}

cases <- list()
add_case <- function(id, design_name, method, call, params, d, base, ests, multi = NULL, rinfo = NULL) {
  w <- weights(d)
  cases[[length(cases) + 1]] <<- c(list(
    id = id, design = design_name, method = method, call = call, params = params,
    error = NA,
    weights = vec(w), weightsSum = sum(w), weightsMin = min(w), weightsMax = max(w),
    gRange = vec(range(w / weights(base))),
    estimates = lapply(ests, function(e) estimate(d, e)),
    multi = if (is.null(multi)) NA else multi(d)
  ), rinfo)
}
add_error <- function(id, design_name, method, call, params, expr) {
  msg <- tryCatch({ force(expr); NA }, error = function(e) conditionMessage(e))
  cases[[length(cases) + 1]] <<- list(id = id, design = design_name, method = method, call = call,
                                      params = params, error = msg)
}

api_multi <- function(d) multi_mean(d, c("api00", "api99", "enroll"))
poll_multi <- function(d) multi_mean(d, c("age", "income"), naRm = TRUE)

## ---- postStratify ----------------------------------------------------------------------
pop.types <- margin_df(api_margins[[1]])
ps1 <- postStratify(dclus1, ~stype, pop.types)
add_case("dclus1-poststratify-stype", "dclus1", "postStratify", "postStratify(dclus1, ~stype, pop.types)",
         list(variables = strs("stype"), population = cells_json(pop.types, "stype"), partial = FALSE),
         ps1, dclus1, api_est, api_multi)

pop.types.x <- rbind(pop.types, data.frame(stype = "X", Freq = 100))
ps1x <- suppressWarnings(postStratify(dclus1, ~stype, pop.types.x, partial = TRUE))
add_case("dclus1-poststratify-stype-partial", "dclus1", "postStratify",
         "postStratify(dclus1, ~stype, rbind(pop.types, data.frame(stype='X', Freq=100)), partial=TRUE)",
         list(variables = strs("stype"), population = cells_json(pop.types.x, "stype"), partial = TRUE),
         ps1x, dclus1, api_est[1:2])

api_pop <- data.frame(stype = rep(c("E", "H", "M"), 2), sch.wide = rep(c("No", "Yes"), each = 3),
                      Freq = c(500, 200, 372, 3921, 555, 646))
ps2 <- postStratify(dclus1, ~stype + sch.wide, api_pop)
add_case("dclus1-poststratify-stype-schwide", "dclus1", "postStratify",
         "postStratify(dclus1, ~stype+sch.wide, api_pop)",
         list(variables = strs(c("stype", "sch.wide")), population = cells_json(api_pop, c("stype", "sch.wide")), partial = FALSE),
         ps2, dclus1, api_est, api_multi)

ps3 <- postStratify(dpoll, ~sex + agegroup, poll_cells)
add_case("dpoll-poststratify-sex-agegroup", "dpoll", "postStratify", "postStratify(dpoll, ~sex+agegroup, poll_cells)",
         list(variables = strs(c("sex", "agegroup")), population = cells_json(poll_cells, c("sex", "agegroup")), partial = FALSE),
         ps3, dpoll, poll_est, poll_multi)

## zero weights before post-stratifying (the first respondent of each PSU): R's svyrecvar then
## uses psw = 1 for rows whose weight is 0 before and after (`zeroes`), so they get -psmean
pollz <- load_csv("poll.csv")
pollz$pw0 <- pollz$pw * (pollz$id != 1)
dpoll_zero <- svydesign(id = ~psu, strata = ~region, weights = ~pw0, nest = TRUE, data = pollz)
ps4 <- postStratify(dpoll_zero, ~sex + agegroup, poll_cells)
add_case("dpollzero-poststratify-sex-agegroup", "dpoll_zero", "postStratify",
         "postStratify(dpoll_zero, ~sex+agegroup, poll_cells)",
         list(variables = strs(c("sex", "agegroup")), population = cells_json(poll_cells, c("sex", "agegroup")), partial = FALSE),
         ps4, dpoll_zero, poll_est[c(1, 2, 3, 5, 9)], poll_multi)

## ---- rake ------------------------------------------------------------------------------
rk1 <- rake(dclus1, margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT)
add_case("dclus1-rake-stype-schwide", "dclus1", "rake",
         "rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide), control=list(maxit=1000, epsilon=1e-13))",
         list(margins = margins_json(api_margins), rControl = RAKE_TIGHT), rk1, dclus1, api_est, api_multi)

rk1d <- rake(dclus1, margin_formulas(api_margins), margin_dfs(api_margins))
add_case("dclus1-rake-stype-schwide-defaultcontrol", "dclus1", "rake",
         "rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide))  # R's default control (maxit=10, epsilon=1)",
         list(margins = margins_json(api_margins), rControl = list(maxit = 10, epsilon = 1)), rk1d, dclus1, api_est[1:2])

rk2 <- rake(dpoll, margin_formulas(poll_margins), margin_dfs(poll_margins), control = RAKE_TIGHT)
add_case("dpoll-rake-sex-agegroup", "dpoll", "rake",
         "rake(dpoll, list(~sex,~agegroup), list(pop.sex, pop.age), control=list(maxit=1000, epsilon=1e-13))",
         list(margins = margins_json(poll_margins), rControl = RAKE_TIGHT), rk2, dpoll, poll_est, poll_multi)

## three margins, the last one not a design variable
poll_margins3 <- c(poll_margins, list(list(variable = "attitude",
  population = list(Positive = 250000, Neutral = 120000, Negative = 80000, `Hard to say` = 50000))))
pollna <- load_csv("poll.csv")
## raking needs every respondent to have the margin variable: rake the respondents with attitude
dpoll_att <- svydesign(id = ~psu, strata = ~region, weights = ~pw, nest = TRUE,
                       data = pollna[!is.na(pollna$attitude), ])
rk3 <- rake(dpoll_att, margin_formulas(poll_margins3), margin_dfs(poll_margins3), control = RAKE_TIGHT)
add_case("dpollatt-rake-sex-agegroup-attitude", "dpoll_att", "rake",
         "rake(dpoll_att, list(~sex,~agegroup,~attitude), ..., control=list(maxit=1000, epsilon=1e-13))",
         list(margins = margins_json(poll_margins3), rControl = RAKE_TIGHT), rk3, dpoll_att,
         poll_est[c(1, 2, 3, 5, 6, 9)])

## ---- calibrate -------------------------------------------------------------------------
cal_formula_api <- ~stype + sch.wide
api_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
cal_cases <- list(
  list(design = "dclus1", calfun = "linear", bounds = NULL),
  list(design = "dclus1", calfun = "raking", bounds = NULL),
  list(design = "dclus1", calfun = "linear", bounds = c(0.88, 1.8)),
  list(design = "dclus1", calfun = "raking", bounds = c(0.88, 1.8)),
  list(design = "dclus1", calfun = "logit", bounds = c(0.8, 1.9)),
  list(design = "dclus1", calfun = "logit", bounds = c(0.5, 2)),
  list(design = "dpoll", calfun = "linear", bounds = NULL),
  list(design = "dpoll", calfun = "raking", bounds = NULL),
  list(design = "dpoll", calfun = "linear", bounds = c(0.87, 1.25)),
  list(design = "dpoll", calfun = "raking", bounds = c(0.86, 1.27)),
  list(design = "dpoll", calfun = "logit", bounds = c(0.86, 1.27)),
  list(design = "dpoll", calfun = "logit", bounds = c(0.5, 2))
)
for (cc in cal_cases) {
  base <- if (cc$design == "dclus1") dclus1 else dpoll
  ms <- if (cc$design == "dclus1") api_margins else poll_margins
  b <- if (is.null(cc$bounds)) c(-Inf, Inf) else cc$bounds
  d <- calibrate(base, margin_formulas(ms), margin_dfs(ms), calfun = cc$calfun, bounds = b,
                 epsilon = CAL_EPS, maxit = 100)
  id <- sprintf("%s-calibrate-%s%s", cc$design, cc$calfun,
                if (is.null(cc$bounds)) "" else sprintf("-%s-%s", cc$bounds[1], cc$bounds[2]))
  add_case(id, cc$design, "calibrate",
           sprintf("calibrate(%s, list(%s), <margins>, calfun=\"%s\"%s, epsilon=1e-13, maxit=100)", cc$design,
                   paste0("~", sapply(ms, `[[`, "variable"), collapse = ","), cc$calfun,
                   if (is.null(cc$bounds)) "" else sprintf(", bounds=c(%s,%s)", cc$bounds[1], cc$bounds[2])),
           list(margins = margins_json(ms), calfun = cc$calfun, bounds = if (is.null(cc$bounds)) NA else vec(cc$bounds),
                rEpsilon = CAL_EPS),
           d, base, if (cc$design == "dclus1") api_est else poll_est,
           if (cc$design == "dclus1") api_multi else poll_multi)
}
## the rakecheck form: population totals of the model matrix
rkg <- calibrate(dclus1, cal_formula_api, api_totals, calfun = "raking", epsilon = CAL_EPS, maxit = 100)
add_case("dclus1-calibrate-raking-totals", "dclus1", "calibrate",
         "calibrate(dclus1, ~stype+sch.wide, poptotals, calfun=\"raking\")",
         list(margins = margins_json(api_margins), calfun = "raking", bounds = NA, rEpsilon = CAL_EPS),
         rkg, dclus1, api_est[1:2])

## with a numeric variable's population total
for (cf in c("linear", "raking")) {
  tot <- c(`(Intercept)` = 500000, sexMale = 240000, `agegroup30-39` = 90000, `agegroup40-49` = 100000,
           `agegroup50-59` = 95000, `agegroup60+` = 120000, age = AGE_TOTAL)
  d <- calibrate(dpoll, ~sex + agegroup + age, tot, calfun = cf, epsilon = CAL_EPS, maxit = 100)
  add_case(sprintf("dpoll-calibrate-%s-age", cf), "dpoll", "calibrate",
           sprintf("calibrate(dpoll, ~sex+agegroup+age, c(...,age=%d), calfun=\"%s\")", AGE_TOTAL, cf),
           list(margins = margins_json(poll_margins), calfun = cf, bounds = NA, rEpsilon = CAL_EPS,
                totals = list(list(variable = "age", total = AGE_TOTAL))),
           d, dpoll, poll_est, poll_multi)
}

## calibration failures: bounds that cannot be met, and R's Newton stalling within bounds
add_error("dclus1-calibrate-linear-0.9-1.5", "dclus1", "calibrate",
          "calibrate(dclus1, list(~stype,~sch.wide), <margins>, calfun=\"linear\", bounds=c(0.9,1.5))",
          list(margins = margins_json(api_margins), calfun = "linear", bounds = vec(c(0.9, 1.5))),
          calibrate(dclus1, margin_formulas(api_margins), margin_dfs(api_margins), calfun = "linear",
                    bounds = c(0.9, 1.5)))
add_error("dpoll-calibrate-raking-0.87-1.25", "dpoll", "calibrate",
          "calibrate(dpoll, list(~sex,~agegroup), <margins>, calfun=\"raking\", bounds=c(0.87,1.25), maxit=100)",
          list(margins = margins_json(poll_margins), calfun = "raking", bounds = vec(c(0.87, 1.25))),
          suppressWarnings(calibrate(dpoll, margin_formulas(poll_margins), margin_dfs(poll_margins),
                                     calfun = "raking", bounds = c(0.87, 1.25), maxit = 100)))

## ---- trimWeights -----------------------------------------------------------------------
trim_cases <- list(
  list(base = "dpoll", lower = -Inf, upper = 2000, strict = FALSE),
  list(base = "dpoll", lower = -Inf, upper = 1400, strict = FALSE),
  list(base = "dpoll", lower = -Inf, upper = 1400, strict = TRUE),   # 17 passes
  list(base = "dpoll", lower = 300, upper = Inf, strict = FALSE),
  list(base = "dpoll", lower = 400, upper = 2000, strict = FALSE),
  list(base = "dpoll", lower = 400, upper = 2000, strict = TRUE),    # 14 passes
  list(base = "dpoll-rake-sex-agegroup", lower = -Inf, upper = 2200, strict = TRUE),
  list(base = "dclus1-rake-stype-schwide", lower = 32, upper = 55, strict = FALSE),
  list(base = "dclus1-rake-stype-schwide", lower = 30, upper = 60, strict = TRUE)
)
bases <- list(dpoll = dpoll, `dpoll-rake-sex-agegroup` = rk2, `dclus1-rake-stype-schwide` = rk1)
for (tc in trim_cases) {
  base <- bases[[tc$base]]
  ## survey 4.2's rule (weighting-common.R: with_fixed_trim; the same as 4.1.1's without strict)
  d <- with_fixed_trim(trimWeights(base, lower = tc$lower, upper = tc$upper, strict = tc$strict))
  design_name <- if (grepl("^dpoll", tc$base)) "dpoll" else "dclus1"
  num <- function(x) if (is.finite(x)) x else NA
  id <- sprintf("%s-trim-%s-%s%s", tc$base, num(tc$lower), num(tc$upper), if (tc$strict) "-strict" else "")
  add_case(id, design_name, "trimWeights",
           sprintf("trimWeights(%s, lower=%s, upper=%s, strict=%s)", tc$base, tc$lower, tc$upper, tc$strict),
           list(base = if (tc$base %in% c("dpoll", "dclus1")) NA else tc$base,
                lower = num(tc$lower), upper = num(tc$upper), strict = tc$strict),
           d, base, if (design_name == "dclus1") api_est[1:4] else poll_est[c(1, 3, 5, 9)])
}

## R 4.1.1's own trimWeights(strict=TRUE) never ends here ("C stack usage too close to the
## limit"): it stores weights as probabilities and recurses, and a weight trimmed to 55 comes back
## from 1/(1/55) as 55.00000000000001, outside again, forever. survey 4.2's rule (with_fixed_trim)
## settles; rError keeps 4.1.1's failure.
r_error <- tryCatch({ trimWeights(rk1, lower = 32, upper = 55, strict = TRUE); NA },
                    error = function(e) sub("usage +[0-9]+ ", "usage ", conditionMessage(e)))
tw <- trim_rule(weights(rk1), lower = 32, upper = 55, strict = TRUE, skip_zero = FALSE)
rk1t <- with_fixed_trim(trimWeights(rk1, lower = 32, upper = 55, strict = TRUE))
add_case("dclus1-rake-stype-schwide-trim-32-55-strict", "dclus1", "trimWeights",
         "trimWeights(rk1, lower=32, upper=55, strict=TRUE) with survey 4.2's rule (see rError)",
         list(base = "dclus1-rake-stype-schwide", lower = 32, upper = 55, strict = TRUE),
         rk1t, rk1, api_est[1:4],
         rinfo = list(rError = r_error, passes = attr(tw, "passes"),
                      rErrorCall = "trimWeights(rk1, lower=32, upper=55, strict=TRUE) in survey 4.1.1"))

## ---- chained: postStratify, then rake, then trim ----------------------------------------
pop.sex <- margin_df(poll_margins[[1]])
ch1 <- postStratify(dpoll, ~sex, pop.sex)
ch2 <- rake(ch1, margin_formulas(rev(poll_margins)), margin_dfs(rev(poll_margins)), control = RAKE_TIGHT)
add_case("dpoll-chain-poststratify-rake", "dpoll", "chain",
         "rake(postStratify(dpoll, ~sex, pop.sex), list(~agegroup,~sex), ..., control=list(maxit=1000, epsilon=1e-13))",
         list(steps = list(
           list(method = "postStratify", variables = strs("sex"), population = cells_json(pop.sex, "sex")),
           list(method = "rake", margins = margins_json(rev(poll_margins))))),
         ch2, dpoll, poll_est, poll_multi)

## ---- other estimators on a raked design (their variances go through the same adjustment) ----
## svyby(covmat=TRUE) fails on calibrated designs in survey 4.1.1, so only SEs are recorded
byr <- svyby(~api00, ~comp.imp, rk1, svymean)
cpr <- svyciprop(~I(comp.imp == "Yes"), rk1, method = "logit")
qr1 <- svyquantile(~api00, rk1, 0.5, ci = TRUE)
others <- list(
  design = "dclus1-rake-stype-schwide",
  svyby = list(call = "svyby(~api00, ~comp.imp, rk1, svymean)", groups = strs(c("No", "Yes")),
               estimate = vec(coef(byr)), se = vec(SE(byr))),
  svyciprop = list(call = "svyciprop(~I(comp.imp == \"Yes\"), rk1, method=\"logit\")",
                   estimate = as.numeric(coef(cpr)), se = as.numeric(SE(cpr)), ci = vec(confint(cpr))),
  svyquantile = list(call = "svyquantile(~api00, rk1, 0.5, ci=TRUE)", estimate = as.numeric(qr1$api00[1, 1]),
                     ci = vec(qr1$api00[1, 2:3]), se = as.numeric(qr1$api00[1, 4]))
)

## ---- Kalton & Flores-Cervantes (survey tests/kalton.R) ----------------------------------
ab <- expand.grid(a = factor(1:4), b = factor(1:3))
sample_counts <- c(20, 50, 100, 30, 40, 140, 50, 100, 40, 310, 50, 70)
pop_counts <- c(80, 60, 170, 55, 40, 150, 60, 165, 55, 340, 200, 125)
kaltonsample <- ab[rep(1:12, sample_counts), ]
kaltonpop <- ab[rep(1:12, pop_counts), ]
jointpop <- colSums(model.matrix(~a * b, kaltonpop))
marginalpop <- colSums(model.matrix(~a + b, kaltonpop))
dkalton <- suppressWarnings(svydesign(id = ~1, data = kaltonsample))
ratio <- function(d) mat(svytable(~a + b, d) / xtabs(~a + b, kaltonsample))
kalton <- list(
  note = "cells in expand.grid order (a fastest); ratio[i][j] = weighted/unweighted count in cell (a=i, b=j)",
  a = strs(1:4), b = strs(1:3),
  cells = lapply(1:12, function(k) list(a = as.character(ab$a[k]), b = as.character(ab$b[k]),
                                        sample = sample_counts[k], population = pop_counts[k])),
  results = list(
    poststratify = ratio(postStratify(dkalton, ~a + b, xtabs(~a + b, kaltonpop))),
    rake_kaltoncontrol = ratio(rake(dkalton, list(~a, ~b), list(xtabs(~a, kaltonpop), xtabs(~b, kaltonpop)),
                                    control = list(epsilon = 0.0001))),
    rake_tight = ratio(rake(dkalton, list(~a, ~b), list(xtabs(~a, kaltonpop), xtabs(~b, kaltonpop)),
                            control = RAKE_TIGHT)),
    calibrate_joint = ratio(calibrate(dkalton, ~a * b, jointpop)),
    calibrate_raking = ratio(calibrate(dkalton, ~a + b, marginalpop, calfun = "raking", epsilon = CAL_EPS)),
    calibrate_linear = ratio(calibrate(dkalton, ~a + b, marginalpop)),
    calibrate_linear_bounded = ratio(calibrate(dkalton, ~a + b, marginalpop, bounds = c(0.5, 2.2), epsilon = CAL_EPS)),
    calibrate_logit = ratio(calibrate(dkalton, ~a + b, marginalpop, bounds = c(0.5, 2.2), calfun = "logit",
                                      epsilon = CAL_EPS))
  ),
  calls = list(
    poststratify = "postStratify(dkalton, ~a+b, xtabs(~a+b, kaltonpop))",
    rake_kaltoncontrol = "rake(dkalton, list(~a,~b), list(xtabs(~a,kaltonpop), xtabs(~b,kaltonpop)), control=list(epsilon=0.0001))",
    rake_tight = "rake(..., control=list(maxit=1000, epsilon=1e-13))",
    calibrate_joint = "calibrate(dkalton, ~a*b, jointpop)",
    calibrate_raking = "calibrate(dkalton, ~a+b, marginalpop, calfun='raking', epsilon=1e-13)",
    calibrate_linear = "calibrate(dkalton, ~a+b, marginalpop)",
    calibrate_linear_bounded = "calibrate(dkalton, ~a+b, marginalpop, bounds=c(0.5,2.2), epsilon=1e-13)",
    calibrate_logit = "calibrate(dkalton, ~a+b, marginalpop, bounds=c(0.5,2.2), calfun='logit', epsilon=1e-13)"
  ),
  ## tests/kalton.Rout.save, table B (raking), rounded to 2 decimals
  publishedRake = list(c(1.81, 1.45, 2.02), c(1.08, 0.87, 1.21), c(2.20, 1.76, 2.45), c(1.83, 1.47, 2.04))
)

out <- list(
  meta = meta("weighting", notes = c(
    "cases[].weights: every weight of the weighted design, in data order; gRange: range of new/old weights",
    "rake cases use control=list(maxit=1000, epsilon=1e-13) (epsilon < 1 is relative to the sum of weights) unless the id says defaultcontrol; calibrate uses epsilon=1e-13, maxit=100",
    "margins: {variable, population: {level: count}}; postStratify population: [{<vars>: level, count}]",
    "estimates: svymean/svytotal on the weighted design (subset(): weights set to zero, all rows kept, as R does for calibrated designs); naRm when the variable has NA in the (sub)set",
    "multi: svymean of several numeric variables at once, with its covariance matrix (p > 1 influence columns); poll: na.rm=TRUE (rows missing income dropped as a domain)",
    "error cases: R stopped with the message in `error` (weights/estimates absent)",
    "dpoll_zero: the poll with weight pw0 = pw * (id != 1): the first respondent of each PSU has weight 0",
    "dpoll_att: the poll respondents with attitude (svydesign on poll[!is.na(poll$attitude),], same call as dpoll)",
    "chain: postStratify then rake; the variance applies both steps in order",
    "trim cases with params.base: trimWeights applied to the design of that case id (a raked design)",
    "trimWeights with strict=TRUE: survey 4.2's rule (weighting-common.R: trim_rule, with_fixed_trim), each further pass sharing the trimmed amount only among weights never trimmed; survey 4.1.1 shares it with every weight inside the bounds and recurses (the same without strict). dclus1-rake-stype-schwide-trim-32-55-strict: 4.1.1's trimWeights(strict=TRUE) recurses until the C stack overflows (rError) because 1/(1/55) > 55; passes: how many 4.2's rule takes"
  )),
  designs = c(specs_json(c("dclus1", "dpoll")),
              list(dpoll_att = list(name = "dpoll_att", data = "poll.csv", ids = I("psu"), strata = "region",
                                    weights = "pw", probs = NA, fpc = NA, nest = TRUE,
                                    rcall = "svydesign(id=~psu, strata=~region, weights=~pw, nest=TRUE, data=poll[!is.na(poll$attitude),])",
                                    rowFilter = list(cond("attitude", "notNA"))),
                   dpoll_zero = list(name = "dpoll_zero", data = "poll.csv", ids = I("psu"), strata = "region",
                                     weights = "pw0", probs = NA, fpc = NA, nest = TRUE,
                                     rcall = "svydesign(id=~psu, strata=~region, weights=~pw0, nest=TRUE, data=poll)",
                                     derived = list(column = "pw0", of = "pw", zeroWhen = cond("id", "==", 1))))),
  cases = cases,
  others = others,
  kalton = kalton
)
write_ref(out, "weighting")
