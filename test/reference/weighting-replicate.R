## Weighting of replicate-weight designs (postStratify, rake, calibrate, trimWeights on
## svyrep.design objects: the full-sample weights and every replicate's weights are re-weighted)
## -> weighting-replicate.json
## Run from the repository root: Rscript test/reference/weighting-replicate.R
.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "weighting-common.R"))

## Convergence. R's rake stops when the full-sample table changes by less than
## epsilon * sum(weights) and gives every replicate the same number of sweeps, which leaves
## replicates that converge more slowly short of their margins (bclus1: the full sample needs 11
## sweeps, some replicates 25). So rake here runs a fixed 100 sweeps (epsilon = 0 never stops it
## early; R then warns that it did not converge, which is muffled), by which every replicate is
## at its fixed point. calibrate iterates each replicate to its own misfit < epsilon.
RAKE_SWEEPS <- list(maxit = 100, epsilon = 0)
rake_sweeps <- function(...) suppressWarnings(rake(..., control = RAKE_SWEEPS))
CAL_EPS <- 1e-13

## ---- designs ---------------------------------------------------------------------------
dclus1 <- make_design("dclus1")
dpoll <- make_design("dpoll")
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rpoll <- as.svrepdesign(dpoll, type = "JKn")
apiclus1_rep <- load_csv("apiclus1_rep.csv")
for (v in c("stype", "sch.wide")) apiclus1_rep[[v]] <- factor(apiclus1_rep[[v]], levels = factor_levels$api[[v]])
bclus1 <- svrepdesign(data = apiclus1_rep, type = "bootstrap", weights = ~pw, repweights = "boot_[0-9]+")
rep_designs <- list(rclus1 = rclus1, rpoll = rpoll, bclus1 = bclus1)
rep_specs <- list(
  rclus1 = list(name = "rclus1", from = "design", design = "dclus1", type = "JK1",
                rcall = "as.svrepdesign(dclus1, type=\"JK1\")"),
  rpoll = list(name = "rpoll", from = "design", design = "dpoll", type = "JKn",
               rcall = "as.svrepdesign(dpoll, type=\"JKn\")"),
  bclus1 = list(name = "bclus1", from = "columns", data = "apiclus1_rep.csv", weights = "pw",
                repweights = "boot_[0-9]+", type = "bootstrap",
                rcall = "svrepdesign(data=apiclus1_rep, type=\"bootstrap\", weights=~pw, repweights=\"boot_[0-9]+\")")
)

## ---- populations -----------------------------------------------------------------------
## api_margins, poll_margins, poll_cells, AGE_TOTAL: weighting-common.R
## xtabs(~stype+sch.wide, apipop)
api_cells <- data.frame(stype = rep(c("E", "H", "M"), 2), sch.wide = rep(c("No", "Yes"), each = 3),
                        Freq = c(472, 334, 266, 3949, 421, 752))
API99_TOTAL <- 3914069  # sum(apipop$api99)
## a county margin: some counties have schools in one sampled district only
cname_margin <- list(variable = "cname", population = list(
  Alameda = 372, Fresno = 135, Kern = 68, `Los Angeles` = 508, Mendocino = 135, Merced = 135,
  Orange = 542, Plumas = 305, `San Diego` = 1862, `San Joaquin` = 1252, `Santa Clara` = 880))

## ---- estimates (mse FALSE and TRUE) ------------------------------------------------------
api_est <- list(
  est_spec("mean", "api00"), est_spec("total", "enroll"), est_spec("mean", "stype"), est_spec("total", "stype"),
  est_spec("mean", "sch.wide"),
  est_spec("mean", "api00", list(cond("stype", "==", "E"))),
  est_spec("total", "enroll", list(cond("sch.wide", "==", "Yes")))
)
poll_est <- list(
  est_spec("mean", "support"), est_spec("total", "support"), est_spec("mean", "income"),
  est_spec("mean", "attitude"), est_spec("total", "agegroup"), est_spec("mean", "age"),
  est_spec("mean", "support", list(cond("region", "==", "Capital"))),
  est_spec("total", "attitude", list(cond("agegroup", "==", "60+")))
)

estimate <- function(design, e) {
  d <- apply_subset(design, e$subset)
  x <- d$variables[[e$variable]]
  naRm <- any(is.na(x))
  f <- as.formula(paste0("~`", e$variable, "`"))
  FUN <- if (e$statistic == "mean") svymean else svytotal
  by_mse <- lapply(c(FALSE, TRUE), function(m) {
    d$mse <- m
    FUN(f, d, na.rm = naRm)
  })
  list(statistic = e$statistic, variable = e$variable, subset = if (is.null(e$subset)) NA else e$subset,
       naRm = naRm,
       call = sprintf("%s(~%s, %s%s)", if (e$statistic == "mean") "svymean" else "svytotal", e$variable,
                      if (is.null(e$subset)) "d" else sprintf("subset(d, %s)", subset_rexpr(e$subset)),
                      if (naRm) ", na.rm=TRUE" else ""),
       levels = if (is.factor(x)) strs(levels(x)) else NA,
       estimate = vec(coef(by_mse[[1]])), se = vec(SE(by_mse[[1]])), seMse = vec(SE(by_mse[[2]])))
}

## ---- weights: full sample, every replicate digested, three replicates in full ------------
digest <- function(W) {
  W <- unname(as.matrix(W))
  list(colSums = vec(colSums(W)), colSumsSq = vec(colSums(W^2)),
       colSumsRow = vec(colSums(W * seq_len(nrow(W)))))
}
shown_replicates <- function(R) unique(c(1, 2, R))

cases <- list()
add_case <- function(id, design_name, method, call, params, d, ests, rinfo = NULL) {
  W <- unname(as.matrix(weights(d, "analysis")))
  shown <- shown_replicates(ncol(W))
  cases[[length(cases) + 1]] <<- c(list(
    id = id, design = design_name, method = method, call = call, params = params,
    weights = vec(weights(d, "sampling")),
    nReplicates = ncol(W),
    degf = degf(d),
    replicateDigest = digest(W),
    replicateWeights = list(replicates = vec(shown), values = lapply(shown, function(r) vec(W[, r]))),
    estimates = lapply(ests, function(e) estimate(d, e))
  ), rinfo)
}

## Replicates whose weights R left unfitted: non-finite weights, or totals of the model columns
## off the population by more than 1e-6 relative to 1 + |total| (R only warns for those).
unfitted <- function(d, formula, population) {
  W <- as.matrix(weights(d, "analysis"))
  mm <- model.matrix(formula, model.frame(formula, d$variables))
  bad <- integer(0)
  for (r in seq_len(ncol(W))) {
    w <- W[, r]
    if (any(!is.finite(w))) { bad <- c(bad, r); next }
    tot <- colSums(mm * w)
    if (max(abs(tot - population) / (1 + abs(population))) > 1e-6) bad <- c(bad, r)
  }
  bad
}
## Zero replicate totals per level (for the empty-cell errors): replicate -> levels.
empty_levels <- function(design, variable) {
  W <- as.matrix(weights(design, "analysis"))
  x <- design$variables[[variable]]
  sums <- rowsum(W, x)
  out <- list()
  for (r in seq_len(ncol(W))) {
    lv <- rownames(sums)[sums[, r] == 0]
    if (length(lv)) out[[length(out) + 1]] <- list(replicate = r, levels = strs(lv))
  }
  out
}
with_warnings <- function(expr) {
  w <- character(0)
  value <- withCallingHandlers(expr, warning = function(c) {
    w <<- c(w, conditionMessage(c))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}

errors <- list()
add_error <- function(id, design_name, method, call, params, rinfo) {
  errors[[length(errors) + 1]] <<- c(list(id = id, design = design_name, method = method, call = call,
                                          params = params), rinfo)
}

## ---- postStratify -------------------------------------------------------------------------
ps1 <- postStratify(rclus1, ~stype, margin_df(api_margins[[1]]))
add_case("rclus1-poststratify-stype", "rclus1", "postStratify",
         "postStratify(rclus1, ~stype, pop.types)",
         list(variables = strs("stype"), population = cells_json(margin_df(api_margins[[1]]), "stype")),
         ps1, api_est)
ps2 <- postStratify(rclus1, ~stype + sch.wide, api_cells)
add_case("rclus1-poststratify-stype-schwide", "rclus1", "postStratify",
         "postStratify(rclus1, ~stype+sch.wide, xtabs(~stype+sch.wide, apipop))",
         list(variables = strs(c("stype", "sch.wide")), population = cells_json(api_cells, c("stype", "sch.wide"))),
         ps2, api_est)
ps3 <- postStratify(bclus1, ~stype, margin_df(api_margins[[1]]))
add_case("bclus1-poststratify-stype", "bclus1", "postStratify",
         "postStratify(bclus1, ~stype, pop.types)",
         list(variables = strs("stype"), population = cells_json(margin_df(api_margins[[1]]), "stype")),
         ps3, api_est)
ps4 <- postStratify(rpoll, ~sex + agegroup, poll_cells)
add_case("rpoll-poststratify-sex-agegroup", "rpoll", "postStratify",
         "postStratify(rpoll, ~sex+agegroup, poll_cells)",
         list(variables = strs(c("sex", "agegroup")), population = cells_json(poll_cells, c("sex", "agegroup"))),
         ps4, poll_est)

## ---- rake ---------------------------------------------------------------------------------
rk1 <- rake_sweeps(rclus1, margin_formulas(api_margins), margin_dfs(api_margins))
add_case("rclus1-rake-stype-schwide", "rclus1", "rake",
         "rake(rclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide), control=list(maxit=100, epsilon=0))",
         list(margins = margins_json(api_margins), rControl = RAKE_SWEEPS), rk1, api_est)
rk2 <- rake_sweeps(bclus1, margin_formulas(api_margins), margin_dfs(api_margins))
add_case("bclus1-rake-stype-schwide", "bclus1", "rake",
         "rake(bclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide), control=list(maxit=100, epsilon=0))",
         list(margins = margins_json(api_margins), rControl = RAKE_SWEEPS), rk2, api_est)
rk3 <- rake_sweeps(rpoll, margin_formulas(poll_margins), margin_dfs(poll_margins))
add_case("rpoll-rake-sex-agegroup", "rpoll", "rake",
         "rake(rpoll, list(~sex,~agegroup), <margins>, control=list(maxit=100, epsilon=0))",
         list(margins = margins_json(poll_margins), rControl = RAKE_SWEEPS), rk3, poll_est)
## chain: postStratify on sex, then rake on agegroup and sex
ch1 <- postStratify(rpoll, ~sex, margin_df(poll_margins[[1]]))
ch2 <- rake_sweeps(ch1, margin_formulas(rev(poll_margins)), margin_dfs(rev(poll_margins)))
add_case("rpoll-chain-poststratify-rake", "rpoll", "chain",
         "rake(postStratify(rpoll, ~sex, pop.sex), list(~agegroup,~sex), ..., control=list(maxit=100, epsilon=0))",
         list(steps = list(
           list(method = "postStratify", variables = strs("sex"), population = cells_json(margin_df(poll_margins[[1]]), "sex")),
           list(method = "rake", margins = margins_json(rev(poll_margins))))),
         ch2, poll_est)

## ---- calibrate ----------------------------------------------------------------------------
## compress=FALSE: calibrate.svyrep.design's default compress=NA stops with "missing value where
## TRUE/FALSE needed" on designs whose replicate weights are not compressed (svrepdesign from
## columns); it only changes how R stores the weights.
cal_cases <- list(
  list(design = "rclus1", calfun = "linear", bounds = NULL),
  list(design = "rclus1", calfun = "raking", bounds = NULL),
  list(design = "rclus1", calfun = "linear", bounds = c(0.8, 2.3)),
  list(design = "rclus1", calfun = "raking", bounds = c(0.7, 2.5)),
  list(design = "rclus1", calfun = "logit", bounds = c(0.7, 2.5)),
  list(design = "bclus1", calfun = "linear", bounds = NULL),
  list(design = "bclus1", calfun = "raking", bounds = NULL),
  list(design = "bclus1", calfun = "linear", bounds = c(0.58, 5)),
  list(design = "bclus1", calfun = "logit", bounds = c(0.2, 4.6)),
  list(design = "rpoll", calfun = "linear", bounds = c(0.8, 1.4)),
  list(design = "rpoll", calfun = "raking", bounds = c(0.5, 2)),
  list(design = "rpoll", calfun = "logit", bounds = c(0.8, 1.4))
)
for (cc in cal_cases) {
  base <- rep_designs[[cc$design]]
  ms <- if (cc$design == "rpoll") poll_margins else api_margins
  b <- if (is.null(cc$bounds)) c(-Inf, Inf) else cc$bounds
  d <- calibrate(base, margin_formulas(ms), margin_dfs(ms), calfun = cc$calfun, bounds = b,
                 epsilon = CAL_EPS, maxit = 100, compress = FALSE)
  id <- sprintf("%s-calibrate-%s%s", cc$design, cc$calfun,
                if (is.null(cc$bounds)) "" else sprintf("-%s-%s", cc$bounds[1], cc$bounds[2]))
  add_case(id, cc$design, "calibrate",
           sprintf("calibrate(%s, list(%s), <margins>, calfun=\"%s\"%s, epsilon=1e-13, maxit=100, compress=FALSE)", cc$design,
                   paste0("~", sapply(ms, `[[`, "variable"), collapse = ","), cc$calfun,
                   if (is.null(cc$bounds)) "" else sprintf(", bounds=c(%s,%s)", cc$bounds[1], cc$bounds[2])),
           list(margins = margins_json(ms), calfun = cc$calfun, bounds = if (is.null(cc$bounds)) NA else vec(cc$bounds),
                rEpsilon = CAL_EPS),
           d, if (cc$design == "rpoll") poll_est else api_est)
}
## the rakecheck form: population totals of the model matrix
api_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
rg <- calibrate(rclus1, ~stype + sch.wide, api_totals, calfun = "raking", epsilon = CAL_EPS, maxit = 100)
add_case("rclus1-calibrate-raking-totals", "rclus1", "calibrate",
         "calibrate(rclus1, ~stype+sch.wide, poptotals, calfun=\"raking\", epsilon=1e-13, maxit=100)",
         list(margins = margins_json(api_margins), calfun = "raking", bounds = NA, rEpsilon = CAL_EPS),
         rg, api_est)
## with a numeric variable's population total
for (cf in c("linear", "raking")) {
  tot <- c(api_totals, api99 = API99_TOTAL)
  d <- calibrate(rclus1, ~stype + sch.wide + api99, tot, calfun = cf, epsilon = CAL_EPS, maxit = 100)
  add_case(sprintf("rclus1-calibrate-%s-api99", cf), "rclus1", "calibrate",
           sprintf("calibrate(rclus1, ~stype+sch.wide+api99, c(..., api99=%d), calfun=\"%s\")", API99_TOTAL, cf),
           list(margins = margins_json(api_margins), calfun = cf, bounds = NA, rEpsilon = CAL_EPS,
                totals = list(list(variable = "api99", total = API99_TOTAL))),
           d, api_est)
}
tot <- c(`(Intercept)` = 500000, sexMale = 240000, `agegroup30-39` = 90000, `agegroup40-49` = 100000,
         `agegroup50-59` = 95000, `agegroup60+` = 120000, age = AGE_TOTAL)
d <- calibrate(rpoll, ~sex + agegroup + age, tot, calfun = "raking", epsilon = CAL_EPS, maxit = 100)
add_case("rpoll-calibrate-raking-age", "rpoll", "calibrate",
         sprintf("calibrate(rpoll, ~sex+agegroup+age, c(..., age=%d), calfun=\"raking\")", AGE_TOTAL),
         list(margins = margins_json(poll_margins), calfun = "raking", bounds = NA, rEpsilon = CAL_EPS,
              totals = list(list(variable = "age", total = AGE_TOTAL))),
         d, poll_est)

## ---- trimWeights --------------------------------------------------------------------------
## R 4.1.1's trimWeights.svyrep.design does not do what it means to: it computes the trimmed
## full-sample weights but stores them nowhere (design$prob <- 1/pw, which svyrep designs do not
## use), so the full-sample weights are unchanged; and it rebuilds the replicate weights with
## `rwnew[!outside] + t(t(!outside) + colSums(trimmings)/colSums(!outside))`, which recycles the
## inside weights over the whole matrix ("longer object length is not a multiple" warning). The
## cases below record the rule it means, computed here: the full-sample weights trimmed by
## trimWeights.survey.design2's rule, and each replicate's weights trimmed to the same bounds by
## the same rule among its rows with a positive replicate weight (rows a replicate leaves out
## stay at 0 and take no share); `strict` repeats within each set. The design is R's own
## svyrep.design with those weights, so the estimates and SEs are R's.
## trim_rule, trim_design: weighting-common.R
r_own_trim <- function(d, lower, upper) {
  r <- with_warnings(trimWeights(d, lower = lower, upper = upper))
  list(call = sprintf("trimWeights(<base>, lower=%s, upper=%s)", lower, upper),
       fullSampleUnchanged = isTRUE(all.equal(weights(r$value, "sampling"), weights(d, "sampling"), tolerance = 0)),
       warnings = strs(unique(r$warnings)),
       replicateColSums = vec(colSums(as.matrix(weights(r$value, "analysis")))))
}
trim_cases <- list(
  list(base = "rclus1-rake-stype-schwide", design = "rclus1", d = rk1, lower = 32, upper = 55, strict = FALSE),
  list(base = "rclus1-rake-stype-schwide", design = "rclus1", d = rk1, lower = 30, upper = 60, strict = TRUE),
  list(base = "bclus1-rake-stype-schwide", design = "bclus1", d = rk2, lower = -Inf, upper = 120, strict = TRUE),
  list(base = "rpoll-rake-sex-agegroup", design = "rpoll", d = rk3, lower = 400, upper = 2000, strict = FALSE)
)
for (tc in trim_cases) {
  num <- function(x) if (is.finite(x)) x else NA
  td <- trim_design(tc$d, tc$lower, tc$upper, tc$strict)
  add_case(sprintf("%s-trim-%s-%s%s", tc$base, num(tc$lower), num(tc$upper), if (tc$strict) "-strict" else ""),
           tc$design, "trimWeights",
           sprintf("trimWeights's rule on %s, lower=%s, upper=%s, strict=%s (see notes)", tc$base, tc$lower, tc$upper, tc$strict),
           list(base = tc$base, lower = num(tc$lower), upper = num(tc$upper), strict = tc$strict),
           td, if (tc$design == "rpoll") poll_est[c(1, 3, 4, 7)] else api_est[c(1, 2, 3, 6)],
           rinfo = list(fullPasses = attr(td, "fullPasses"), replicatePasses = vec(attr(td, "replicatePasses")),
                        rOwn = r_own_trim(tc$d, tc$lower, tc$upper)))
}

## ---- replicates that cannot be weighted -------------------------------------------------------
## R returns them anyway (non-finite weights, or replicates that missed the totals with only a
## warning); surveykit stops with an error naming the first such replicate.
## R itself stops here, in degf() on the non-finite replicate weights; the same weighting with
## degf skipped (design$degf <- NULL for postStratify; rake always recomputes) shows which
## replicates come out non-finite.
r_error <- function(expr) tryCatch({ force(expr); NA }, error = function(e) conditionMessage(e))
nonfinite <- function(d) vec(which(colSums(!is.finite(as.matrix(weights(d, "analysis")))) > 0))
rclus1_nodegf <- rclus1
rclus1_nodegf$degf <- NULL
add_error("rclus1-poststratify-cname", "rclus1", "postStratify", "postStratify(rclus1, ~cname, pop.cname)",
          list(variables = strs("cname"), population = cells_json(margin_df(cname_margin), "cname")),
          list(emptyLevels = empty_levels(rclus1, "cname"),
               rError = r_error(postStratify(rclus1, ~cname, margin_df(cname_margin))),
               nonFiniteReplicates = nonfinite(postStratify(rclus1_nodegf, ~cname, margin_df(cname_margin)))))
add_error("rclus1-rake-stype-cname", "rclus1", "rake", "rake(rclus1, list(~stype,~cname), ..., control=list(maxit=100, epsilon=0))",
          list(margins = margins_json(list(api_margins[[1]], cname_margin))),
          list(emptyLevels = empty_levels(rclus1, "cname"),
               rError = r_error(rake(rclus1, list(~stype, ~cname), list(margin_df(api_margins[[1]]), margin_df(cname_margin)),
                                     control = RAKE_SWEEPS))))
for (cc in list(list(calfun = "linear", bounds = c(0.88, 1.8)), list(calfun = "raking", bounds = c(0.88, 1.8)),
                list(calfun = "logit", bounds = c(0.8, 1.9)))) {
  r <- with_warnings(calibrate(rclus1, margin_formulas(api_margins), margin_dfs(api_margins), calfun = cc$calfun,
                               bounds = cc$bounds, epsilon = CAL_EPS, maxit = 100))
  add_error(sprintf("rclus1-calibrate-%s-%s-%s", cc$calfun, cc$bounds[1], cc$bounds[2]), "rclus1", "calibrate",
            sprintf("calibrate(rclus1, list(~stype,~sch.wide), <margins>, calfun=\"%s\", bounds=c(%s,%s), epsilon=1e-13, maxit=100)",
                    cc$calfun, cc$bounds[1], cc$bounds[2]),
            list(margins = margins_json(api_margins), calfun = cc$calfun, bounds = vec(cc$bounds)),
            list(unfittedReplicates = vec(unfitted(r$value, ~stype + sch.wide, api_totals)),
                 fullSampleFitted = max(abs(colSums(model.matrix(~stype + sch.wide, apiclus1_rep) * weights(r$value, "sampling")) - api_totals) /
                                          (1 + api_totals)) < 1e-6,
                 warnings = strs(unique(r$warnings))))
}

## ---- published figures (R's printed output) ---------------------------------------------------
## tests/testoutput/api.Rout.saved (example(api) with options(survey.replicates.mse=TRUE)) and
## tests/rakecheck.Rout.save (mse = FALSE). rake's printed figures there use R's default control
## (maxit=10, epsilon=1), which stops before convergence; calibrate(calfun="raking") prints the
## converged ones, which rake to convergence also gives.
pub <- function(d, mse) {
  d$mse <- mse
  m <- svymean(~api00, d)
  t <- svytotal(~enroll, d)
  list(mean = list(estimate = as.numeric(coef(m)), se = as.numeric(SE(m))),
       total = list(estimate = as.numeric(coef(t)), se = as.numeric(SE(t))))
}
rg_default <- calibrate(rclus1, ~stype + sch.wide, api_totals, calfun = "raking")
rk_default <- rake(rclus1, margin_formulas(api_margins), margin_dfs(api_margins))
published <- list(
  postStratifyMse = c(list(source = "tests/testoutput/api.Rout.saved: svymean(~api00, rclus1p), svytotal(~enroll, rclus1p) with mse",
                           printed = list(mean = c(642.31, 26.936), total = c(3680893, 473434))),
                      pub(ps1, TRUE)),
  calibrateRaking = c(list(source = "tests/rakecheck.Rout.save: rclus1g <- calibrate(rclus1, ~stype+sch.wide, poptotals, calfun=\"raking\")",
                           printed = list(mean = c(641.23, 26.874), total = c(3647280, 463582))),
                      pub(rg_default, FALSE)),
  rakeDefaultControl = c(list(source = "tests/rakecheck.Rout.save: rclus1r <- rake(rclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide))",
                              printed = list(mean = c(641.23, 26.873), total = c(3647300, 463511))),
                         pub(rk_default, FALSE))
)

out <- list(
  meta = meta("weighting-replicate", notes = c(
    "designs: rclus1 = as.svrepdesign(dclus1, type='JK1'), rpoll = as.svrepdesign(dpoll, type='JKn'), bclus1 = svrepdesign() of the bootstrap columns of apiclus1_rep.csv (50 replicates); dclus1 and dpoll as in weighting.json (designs)",
    "cases[].weights: full-sample weights (weights(d, 'sampling')); replicateDigest: per replicate, sum of the combined weights, of their squares and of row number (1-based) times weight; replicateWeights: replicates 1, 2 and the last in full",
    "cases[].degf: degf(d) after weighting (postStratify, rake and linear calibration without bounds, i.e. regcalibrate, recompute it; calibrate with grake and trimming keep the design's)",
    "estimates: se with mse = FALSE, seMse with mse = TRUE (same weighted design); subset() drops rows as R does for replicate designs",
    "rake: control=list(maxit=100, epsilon=0), a fixed 100 sweeps (R would stop when the full-sample table settles, leaving slower replicates short); calibrate: epsilon=1e-13, maxit=100 (compress=FALSE where noted: R 4.1.1 fails on uncompressed replicate weights otherwise)",
    "trimWeights cases: R 4.1.1's trimWeights.svyrep.design leaves the full-sample weights unchanged and scrambles the replicate weights (rOwn); the cases record the rule it means, computed in this script (see the comment there): full sample by trimWeights.survey.design2's rule, each replicate by the same rule among its positive weights; fullPasses/replicatePasses: passes used",
    "errors: replicates R returns unfitted (non-finite weights: nonFiniteReplicates; totals missed with a warning only: unfittedReplicates); emptyLevels: per replicate, the levels with a zero replicate total",
    "published: R's printed figures with the values this run gives for the same calls"
  )),
  designs = c(specs_json(c("dclus1", "dpoll")), list(replicate = rep_specs)),
  cases = cases,
  errors = errors,
  published = published
)
write_ref(out, "weighting-replicate")
